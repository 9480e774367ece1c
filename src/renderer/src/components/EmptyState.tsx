import { Clock, ListChecks, MessageSquare, Sparkles } from 'lucide-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useUi } from '../store/ui-store.ts';

const EXAMPLES = ['examples.summarise', 'examples.plan', 'examples.explain'] as const;

function Point({ icon, title, body }: { icon: ReactNode; title: string; body: string }) {
  return (
    <li className="empty-point">
      <span className="empty-point-icon" aria-hidden="true">
        {icon}
      </span>
      <span>
        <strong>{title}</strong>
        <span className="empty-point-body">{body}</span>
      </span>
    </li>
  );
}

/**
 * A new conversation's page: what ClawDesk is for, prompts to start from (a click puts one
 * in the composer, nothing is sent by itself), and how background tasks work.
 */
export function EmptyState({ children }: { children?: ReactNode }) {
  const { t } = useTranslation('chat');
  const fill = useUi((s) => s.fillComposer);
  return (
    <div className="empty-state" data-testid="empty-state">
      <h2 className="empty-title">
        <Sparkles size={20} aria-hidden="true" />
        {t('empty.title')}
      </h2>
      <p className="empty-lead">{t('empty.lead')}</p>
      {children}
      <ul className="empty-points">
        <Point
          icon={<MessageSquare size={16} />}
          title={t('empty.queueTitle')}
          body={t('empty.queueBody')}
        />
        <Point
          icon={<Clock size={16} />}
          title={t('empty.backgroundTitle')}
          body={t('empty.backgroundBody')}
        />
        <Point
          icon={<ListChecks size={16} />}
          title={t('empty.monitorTitle')}
          body={t('empty.monitorBody')}
        />
      </ul>
      <h3 className="empty-examples-title">{t('empty.examples')}</h3>
      <div className="empty-examples">
        {EXAMPLES.map((key) => (
          <button
            key={key}
            type="button"
            className="example-prompt"
            data-testid="example-prompt"
            onClick={() => fill({ text: t(key), editing: false, cancel: null })}
          >
            {t(key)}
          </button>
        ))}
      </div>
    </div>
  );
}
