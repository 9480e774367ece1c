import { ListChecks, MessageSquare, Settings } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { useUi, type View } from '../store/ui-store.ts';

const VIEWS: Array<{ view: View; Icon: typeof MessageSquare }> = [
  { view: 'chat', Icon: MessageSquare },
  { view: 'tasks', Icon: ListChecks },
  { view: 'settings', Icon: Settings },
];

/** Switches between the chat, the task monitor and the settings. */
export function ViewNav() {
  const { t } = useTranslation('common');
  const view = useUi((s) => s.view);
  const show = useUi((s) => s.show);
  return (
    <nav className="view-nav" aria-label={t('nav.label')}>
      {VIEWS.map(({ view: v, Icon }) => (
        <button
          key={v}
          type="button"
          className="view-nav-item"
          aria-current={view === v ? 'page' : undefined}
          onClick={() => show(v)}
        >
          <Icon size={16} aria-hidden="true" />
          {t(`nav.${v}`)}
        </button>
      ))}
    </nav>
  );
}
