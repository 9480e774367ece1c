import { useTranslation } from 'react-i18next';
import { heldBy } from '../components/task-status.ts';
import { duration, when } from './format.ts';
import { SAMPLE_COUNT } from './monitor-apply.ts';
import { useBefore } from '../use-before.ts';
import { useMonitor } from './use-monitor.ts';

const WIDTH = 180;
const HEIGHT = 40;

/** An inline SVG line of the last samples against the limit (the dashed line at the top). */
export function Sparkline({ samples, limit }: { samples: number[]; limit: number }) {
  const { t } = useTranslation('monitor');
  const top = Math.max(limit, ...samples, 1);
  const x = (i: number): number => (i / (SAMPLE_COUNT - 1)) * WIDTH;
  const y = (v: number): number => HEIGHT - (v / top) * (HEIGHT - 2) - 1;
  const offset = SAMPLE_COUNT - samples.length;
  const points = samples.map((v, i) => `${x(i + offset).toFixed(1)},${y(v).toFixed(1)}`);
  return (
    <svg
      className="monitor-spark"
      role="img"
      aria-label={t('limiter.chart')}
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      data-testid="limiter-chart"
      data-samples={samples.length}
    >
      <line x1={0} x2={WIDTH} y1={y(limit)} y2={y(limit)} className="monitor-spark-limit" />
      {points.length > 1 && (
        <polyline points={points.join(' ')} className="monitor-spark-line" fill="none" />
      )}
    </svg>
  );
}

/** The shared upstream budget: window, concurrency, 429 pause and breaker, with a live chart. */
export function LimiterPanel() {
  const { t } = useTranslation('monitor');
  // What holds every queued message, in the words the chat uses (issue 12).
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
  const held = heldBy(upstream, chatT);
  return (
    <section className="monitor-panel" aria-label={t('limiter.label')} data-testid="limiter">
      <h2>{t('limiter.label')}</h2>
      <Sparkline samples={samples} limit={limiter.perWindow} />
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
      {held && (
        <p role="status" className="monitor-warn" data-testid="limiter-held">
          {held.charAt(0).toUpperCase() + held.slice(1)}
        </p>
      )}
      {paused && limiter.pausedUntil !== null && (
        <p role="status" className="monitor-warn" data-testid="limiter-paused">
          {t('limiter.pausedUntil', { when: when(limiter.pausedUntil) })}
        </p>
      )}
    </section>
  );
}
