import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import type { UpstreamStatus } from '../../../shared/upstream.ts';
import { useChat } from '../store/context.tsx';
import { useBefore } from '../use-before.ts';
import { budgetText, clockTime, limiterParts, pauseText } from './task-status.ts';

function BreakerLine({ breaker }: { breaker: UpstreamStatus['breaker'] }) {
  const { t } = useTranslation('chat');
  if (breaker.state === 'closed') return null;
  const text =
    breaker.state === 'open'
      ? t('limits.circuitOpen', {
          time: breaker.retryAt === null ? t('limits.soon') : clockTime(breaker.retryAt),
        })
      : t('limits.circuitHalfOpen');
  return (
    <div className="limits-warn" data-testid="circuit">
      {text}
      {t('limits.failures', { count: breaker.consecutiveFailures })}
    </div>
  );
}

/** Shared with other installs through Redis (issue 15): with whom, or the local share. */
function BudgetLine({ limiter }: { limiter: UpstreamStatus['limiter'] }) {
  const { t } = useTranslation('chat');
  const text = budgetText(limiter, t);
  if (text === null) return null;
  const state = limiter.shared?.state;
  return (
    <div
      className={state === 'offline' ? 'limits-warn' : undefined}
      data-testid="shared-budget"
      data-state={state}
    >
      {text}
    </div>
  );
}

/**
 * The shared upstream budget in one glance, under the conversations: requests in the window
 * against the limit, calls running against the cap, a 429 pause and the circuit breaker.
 */
export function LimiterStrip() {
  const { t } = useTranslation('chat');
  const upstream = useChat((s) => s.upstream);
  const paused = useBefore(upstream?.limiter.pausedUntil ?? null);
  if (!upstream) return null;
  const { limiter, breaker } = upstream;
  const full = limiter.startsInWindow >= limiter.perWindow;
  return (
    <div
      role="status"
      aria-label={t('limits.label')}
      className="limits"
      data-testid="rate-limit"
      data-full={full}
    >
      {/* Counts change several times a second: shown, not read aloud. Pauses and the
          breaker below are announced. */}
      <div aria-live="off" data-testid="rate-limit-usage">
        {limiterParts(limiter, t).map((part, i) => (
          // The separator stays outside the unbreakable part: lines wrap there, not mid-count.
          <Fragment key={i}>
            {i > 0 && ' · '}
            <span className="limits-part">{part}</span>
          </Fragment>
        ))}
      </div>
      {paused && limiter.pausedUntil !== null && (
        <div className="limits-warn" data-testid="rate-limit-pause">
          {pauseText(limiter, t)}
        </div>
      )}
      <BudgetLine limiter={limiter} />
      <BreakerLine breaker={breaker} />
    </div>
  );
}
