import { useTranslation } from 'react-i18next';
import { gatewayDownText, pauseText } from '../components/task-status.ts';
import { duration } from './format.ts';
import { LimiterChart } from './LimiterChart.tsx';
import { SharedBudgetList } from './SharedBudgetList.tsx';
import { useBefore } from '../use-before.ts';
import { useMonitor } from './use-monitor.ts';

/** The shared upstream budget: window, concurrency, 429 pause and breaker, with a live chart. */
export function LimiterPanel() {
  const { t } = useTranslation('monitor');
  const { t: chatT } = useTranslation('chat');
  const upstream = useMonitor((s) => s.upstream);
  const samples = useMonitor((s) => s.samples);
  const paused = useBefore(upstream?.limiter.pausedUntil ?? null);
  if (!upstream) {
    return (
      <section className="monitor-panel" aria-label={t('limiter.label')}>
        <p>{t('limiter.unknown')}</p>
      </section>
    );
  }
  const { limiter, breaker } = upstream;
  return (
    <section className="monitor-panel" aria-label={t('limiter.label')} data-testid="limiter">
      <h2>{t('limiter.label')}</h2>
      {upstream.gateway.state === 'down' && (
        <p role="status" className="monitor-warn" data-testid="limiter-gateway-down">
          {gatewayDownText(upstream.gateway, chatT)}
        </p>
      )}
      <LimiterChart samples={samples} limit={limiter.perWindow} />
      <ul aria-live="off">
        <li data-testid="limiter-requests">
          {t('limiter.requests', {
            used: limiter.startsInWindow,
            limit: limiter.perWindow,
            window: duration(limiter.windowMs),
          })}
        </li>
        <li data-testid="limiter-running">
          {t('limiter.running', { running: limiter.running, cap: limiter.maxConcurrent })}
          {limiter.waiting > 0 && ` · ${t('limiter.waiting', { count: limiter.waiting })}`}
        </li>
        <li data-testid="limiter-breaker" data-state={breaker.state}>
          {t('limiter.breaker', { state: t(`limiter.breakerState.${breaker.state}`) })}
        </li>
      </ul>
      {paused && limiter.pausedUntil !== null && (
        <p role="status" className="monitor-warn" data-testid="limiter-paused">
          {pauseText(limiter, chatT)}
        </p>
      )}
      <SharedBudgetList limiter={limiter} />
    </section>
  );
}
