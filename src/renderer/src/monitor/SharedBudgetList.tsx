import { useTranslation } from 'react-i18next';
import type { UpstreamStatus } from '../../../shared/upstream.ts';
import { budgetText } from '../components/task-status.ts';

/**
 * Who shares the budget through Redis (issue 15) and each one's use of the window: this
 * install first, then the others, away ones marked. While Redis is away: the local share.
 */
export function SharedBudgetList({ limiter }: { limiter: UpstreamStatus['limiter'] }) {
  const { t } = useTranslation('monitor');
  const { t: chatT } = useTranslation('chat');
  const shared = limiter.shared;
  if (!shared) return null;
  const offline = shared.state === 'offline';
  const installs = [...shared.installs].sort((a, b) => Number(b.self) - Number(a.self));
  return (
    <div className="limiter-shared" data-testid="limiter-shared" data-state={shared.state}>
      <p className={offline ? 'monitor-warn' : undefined} role={offline ? 'status' : undefined}>
        {budgetText(limiter, chatT)}
      </p>
      <ul aria-label={t('budget.installs')} data-testid="budget-installs">
        {installs.map((install, i) => (
          <li key={`${install.name}#${i}`} data-self={install.self} data-live={install.live}>
            {install.self ? t('budget.self', { name: install.name }) : install.name}
            {' — '}
            {install.live
              ? t('budget.use', {
                  used: install.startsInWindow,
                  running: install.running,
                })
              : t('budget.away', { used: install.startsInWindow })}
          </li>
        ))}
      </ul>
      {shared.reserved > 0 && (
        <p data-testid="budget-reserved">{t('budget.reserved', { count: shared.reserved })}</p>
      )}
      <p className="monitor-muted">{t('budget.server', { server: shared.server })}</p>
    </div>
  );
}
