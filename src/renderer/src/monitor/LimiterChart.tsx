import { useTranslation } from 'react-i18next';
import { axisTop } from './chart-scale.ts';
import { SAMPLE_COUNT } from './monitor-apply.ts';

const WIDTH = 360;
const HEIGHT = 120;
/** Room for the axes' labels: the value axis on the left, the time axis below. */
const LEFT = 30;
const RIGHT = 8;
const TOP = 10;
const BOTTOM = 20;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PLOT_H = HEIGHT - TOP - BOTTOM;

type Scale = (value: number) => number;

/** The chart's scales and shapes for these samples: where each value and moment is drawn. */
function geometry(samples: readonly number[], limit: number) {
  const top = axisTop(limit, samples);
  const x: Scale = (i) => LEFT + (i / (SAMPLE_COUNT - 1)) * PLOT_W;
  const y: Scale = (v) => TOP + PLOT_H - (v / top) * PLOT_H;
  const offset = SAMPLE_COUNT - samples.length;
  const points = samples.map((v, i) => `${x(i + offset).toFixed(1)},${y(v).toFixed(1)}`);
  const area =
    points.length > 1
      ? `M${x(offset).toFixed(1)},${y(0)} L${points.join(' L')} L${x(SAMPLE_COUNT - 1).toFixed(1)},${y(0)} Z`
      : null;
  return { top, y, points, area };
}

/** Grid lines and labels of the value axis: 0, half and the top. */
function ValueTicks({ top, y }: { top: number; y: Scale }) {
  return [0, top / 2, top].map((v) => (
    <g key={v} className="chart-tick" data-testid="chart-value-tick">
      <line x1={LEFT} x2={WIDTH - RIGHT} y1={y(v)} y2={y(v)} className="chart-grid" />
      <text x={LEFT - 6} y={y(v) + 4} textAnchor="end">
        {Math.round(v)}
      </text>
    </g>
  ));
}

/** Seconds ago along the time axis, "now" at the right. */
function TimeTicks({ sampleMs }: { sampleMs: number }) {
  const { t } = useTranslation('monitor');
  const spanS = Math.round(((SAMPLE_COUNT - 1) * sampleMs) / 1000);
  return [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const at = LEFT + f * PLOT_W;
    const label = f === 1 ? t('limiter.now') : `−${Math.round(spanS * (1 - f))} s`;
    return (
      <text
        key={label}
        x={at}
        y={HEIGHT - 5}
        textAnchor={at === LEFT ? 'start' : at >= WIDTH - RIGHT ? 'end' : 'middle'}
        className="chart-tick"
        data-testid="chart-time-tick"
      >
        {label}
      </text>
    );
  });
}

/** The limit as a labelled dashed line. */
function LimitLine({ limit, y }: { limit: number; y: Scale }) {
  const { t } = useTranslation('monitor');
  return (
    <>
      <line
        x1={LEFT}
        x2={WIDTH - RIGHT}
        y1={y(limit)}
        y2={y(limit)}
        className="chart-limit"
        data-testid="chart-limit"
      />
      <text x={WIDTH - RIGHT} y={y(limit) - 4} textAnchor="end" className="chart-limit-label">
        {t('limiter.limitLabel', { limit })}
      </text>
    </>
  );
}

/** The value axis and the time axis, drawn last so the area never covers them. */
function Axes() {
  return (
    <>
      <line x1={LEFT} x2={LEFT} y1={TOP} y2={TOP + PLOT_H} className="chart-axis" />
      <line
        x1={LEFT}
        x2={WIDTH - RIGHT}
        y1={TOP + PLOT_H}
        y2={TOP + PLOT_H}
        className="chart-axis"
      />
    </>
  );
}

/**
 * Requests started in the rolling window, one sample a second over the last minute, against
 * the limit: an inline SVG with a time axis (seconds ago), a value axis, the limit as a
 * labelled dashed line and the samples as a filled line. SVG rather than a chart library:
 * sixty points a second need no canvas, the theme's colours apply through CSS, and the
 * chart's parts are in the DOM for screen readers and tests.
 */
export function LimiterChart({
  samples,
  limit,
  sampleMs = 1_000,
}: {
  samples: readonly number[];
  limit: number;
  sampleMs?: number;
}) {
  const { t } = useTranslation('monitor');
  const { top, y, points, area } = geometry(samples, limit);
  const latest = samples[samples.length - 1] ?? 0;
  return (
    <svg
      className="limiter-chart"
      role="img"
      aria-label={t('limiter.chartLabel', { now: latest, limit })}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      preserveAspectRatio="xMidYMid meet"
      data-testid="limiter-chart"
      data-samples={samples.length}
    >
      <ValueTicks top={top} y={y} />
      <TimeTicks sampleMs={sampleMs} />
      <LimitLine limit={limit} y={y} />
      {area && <path d={area} className="chart-area" />}
      {points.length > 1 && (
        <polyline points={points.join(' ')} className="chart-line" fill="none" />
      )}
      <Axes />
    </svg>
  );
}
