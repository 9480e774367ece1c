import { useTranslation } from 'react-i18next';
import { useUi, type View } from '../store/ui-store.ts';

const VIEWS: View[] = ['chat', 'tasks', 'settings'];

/** Switches between the chat, the task monitor and the settings. */
export function ViewNav() {
  const { t } = useTranslation('common');
  const view = useUi((s) => s.view);
  const show = useUi((s) => s.show);
  return (
    <nav className="view-nav" aria-label={t('nav.label')}>
      {VIEWS.map((v) => (
        <button
          key={v}
          type="button"
          aria-current={view === v ? 'page' : undefined}
          onClick={() => show(v)}
        >
          {t(`nav.${v}`)}
        </button>
      ))}
    </nav>
  );
}
