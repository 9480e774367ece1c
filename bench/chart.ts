/**
 * The report's chart of limiter starts per rolling window: the counting (tested in
 * test/unit/bench-chart.test.ts) and a hand-built SVG, small enough not to need a chart library.
 * report-png.ts turns the SVG into the PNG.
 */

/** What a section hands over for one chart; drawn after every section has run. */
export interface WindowChart {
  /** File name of the PNG, next to the report (e.g. `limiter-window.png`). */
  file: string;
  title: string;
  /** Start times in ms on any one clock, e.g. arrivals at the gateway (`Date.now()`). */
  starts: number[];
  windowMs: number;
  /** Drawn as a horizontal line: the most starts the window may hold. */
  limit: number;
  /** One point per step (default 100 ms). */
  stepMs?: number;
}

export interface WindowPoint {
  /** Start of the step, in ms since the first start. */
  t: number;
  /** The most starts the window (u − windowMs, u] held for any u in [t, t + step). */
  count: number;
}

/** How many of the sorted `s` are ≤ x. */
function upperBound(s: readonly number[], x: number): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((s[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Starts in the rolling window ending at t, one point per step from the first start until the
 * window after the last one has emptied. Each point is the step's maximum, not its value at one
 * instant: a window can fill and drain between two samples, and a sampled curve would then show
 * a peak lower than the run's real one (`maxInWindow`), which is the figure the chart is for.
 * The window holds (u − windowMs, u]: a start leaves it exactly windowMs later, as the limiter's
 * unit comes back.
 */
export function rollingWindowCounts(
  starts: readonly number[],
  windowMs: number,
  stepMs = 100,
): WindowPoint[] {
  if (!(windowMs > 0) || !(stepMs > 0)) throw new RangeError('windowMs and stepMs must be > 0');
  const s = [...starts].sort((a, b) => a - b);
  const first = s[0];
  const last = s.at(-1);
  if (first === undefined || last === undefined) return [];
  const countAt = (u: number): number => upperBound(s, u) - upperBound(s, u - windowMs);
  const points: WindowPoint[] = [];
  let next = 0; // first start not yet looked at
  // The count only rises at a start, so a step's maximum is at its beginning or at a start in it.
  for (let k = 0; ; k++) {
    const t = first + k * stepMs;
    let most = countAt(t);
    while (next < s.length && (s[next] as number) < t + stepMs) {
      most = Math.max(most, countAt(s[next] as number));
      next++;
    }
    points.push({ t: t - first, count: most });
    if (t >= last + windowMs) return points; // empty from here on
  }
}

/** A round tick step (1, 2 or 5 × 10^k) giving about `count` ticks over `range`. */
export function tickStep(range: number, count = 6): number {
  const raw = range / count;
  if (!(raw > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const nice = [1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10;
  return nice * magnitude;
}

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const CHART_SIZE = { width: 960, height: 480 };

/** The chart as a standalone SVG document: a step curve, the limit line, axes and labels. */
export function windowChartSvg(chart: WindowChart): string {
  const step = chart.stepMs ?? 100;
  const points = rollingWindowCounts(chart.starts, chart.windowMs, step);
  const peak = Math.max(0, ...points.map((p) => p.count));
  const { width, height } = CHART_SIZE;
  const m = { left: 72, right: 24, top: 56, bottom: 64 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const xMaxS = Math.max(1, ((points.at(-1)?.t ?? 0) + step) / 1000);
  const yStep = tickStep(Math.max(chart.limit, peak) * 1.15, 6);
  const yMax = Math.ceil((Math.max(chart.limit, peak) * 1.15) / yStep) * yStep;
  const x = (seconds: number): number => m.left + (seconds / xMaxS) * plotW;
  const y = (count: number): number => m.top + plotH - (count / yMax) * plotH;
  const r = (n: number): string => n.toFixed(1);

  const parts: string[] = [];
  const xStep = tickStep(xMaxS, 10);
  for (let v = 0; v <= xMaxS + 1e-9; v += xStep) {
    parts.push(
      `<line x1="${r(x(v))}" y1="${m.top}" x2="${r(x(v))}" y2="${m.top + plotH}" class="grid"/>`,
      `<text x="${r(x(v))}" y="${m.top + plotH + 20}" text-anchor="middle">${+v.toFixed(3)}</text>`,
    );
  }
  for (let v = 0; v <= yMax + 1e-9; v += yStep) {
    parts.push(
      `<line x1="${m.left}" y1="${r(y(v))}" x2="${m.left + plotW}" y2="${r(y(v))}" class="grid"/>`,
      `<text x="${m.left - 8}" y="${r(y(v) + 4)}" text-anchor="end">${+v.toFixed(3)}</text>`,
    );
  }
  // A step curve: each point holds its count for its whole step.
  const curve = points
    .map(
      (p) => `${r(x(p.t / 1000))},${r(y(p.count))} ${r(x((p.t + step) / 1000))},${r(y(p.count))}`,
    )
    .join(' ');
  const windowS = +(chart.windowMs / 1000).toFixed(3);
  const legend = `starts in the last ${windowS} s, the most during each ${step} ms step (peak ${peak})`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    '<style>text{font:13px "DejaVu Sans","Liberation Sans",sans-serif;fill:#222}',
    '.grid{stroke:#e3e3e3;stroke-width:1}.title{font-size:17px;font-weight:bold}',
    '.limit{fill:#d62728}.legend{fill:#1f77b4}</style>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...parts,
    `<rect x="${m.left}" y="${m.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`,
    // The curve first, so the limit line stays visible where the curve runs along it.
    `<polyline points="${curve}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>`,
    `<line x1="${m.left}" y1="${r(y(chart.limit))}" x2="${m.left + plotW}" y2="${r(y(chart.limit))}" stroke="#d62728" stroke-width="2" stroke-dasharray="8 5"/>`,
    `<text x="${m.left + plotW - 6}" y="${r(y(chart.limit) - 6)}" text-anchor="end" class="limit">limit ${chart.limit}</text>`,
    `<text x="${width / 2}" y="26" text-anchor="middle" class="title">${escape(chart.title)}</text>`,
    `<text x="${width / 2}" y="44" text-anchor="middle" class="legend">${escape(legend)}</text>`,
    `<text x="${m.left + plotW / 2}" y="${height - 16}" text-anchor="middle">time since the first start (s)</text>`,
    `<text transform="translate(20 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle">starts in the window ending then</text>`,
    '</svg>',
  ].join('\n');
}
