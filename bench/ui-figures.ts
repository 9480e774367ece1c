/**
 * The UI section's figures for the report's summary (issue 5), each scenario against one 60 Hz
 * frame. Its own module so the section (ui-latency.ts) only has to call it once per measured
 * row and return what it collected as `figures`.
 */
import { summarize } from './stats.ts';
import type { Probe } from './ui-page-probe.ts';
import type { Figure } from './util.ts';
import { FRAME_MS } from './util.ts';

const ISSUE = 5;
/** Issue 5: typing P95 under 16 ms, and no long tasks. */
const TYPING_P95_MS = 16;
const FRAME = { name: 'one frame at 60 Hz', value: FRAME_MS };

/** A typing probe (it counted missed frames) or a scrolling one (frame intervals only). */
export function uiFigures(scenario: string, p: Probe): Figure[] {
  const ms = (name: string, value: number, target?: Figure['target']): Figure => ({
    issue: ISSUE,
    name: `${scenario}: ${name}`,
    value,
    unit: 'ms',
    baseline: FRAME,
    ...(target ? { target } : {}),
  });
  const frames = summarize(p.latencies);
  const figures: Figure[] = [];
  if (p.missed.length > 0) {
    const ready = summarize(p.ready);
    const nextFrame = p.missed.filter((m) => m === 0).length / p.missed.length;
    figures.push(
      // The target is on the app's own work: keydown → frame waits for the display's clock
      // too, and cannot go under one frame at P95 even with no app (the control row).
      ms('keydown → app done, P50', ready.p50),
      ms('keydown → app done, P95', ready.p95, { op: '<', value: TYPING_P95_MS }),
      ms('keydown → next frame, P50', frames.p50),
      ms('keydown → next frame, P95', frames.p95),
      {
        issue: ISSUE,
        name: `${scenario}: keys painted in the next frame`,
        value: nextFrame * 100,
        unit: '%',
      },
    );
  } else {
    figures.push(ms('frame interval, P50', frames.p50), ms('frame interval, P95', frames.p95));
  }
  figures.push({
    issue: ISSUE,
    name: `${scenario}: long tasks (> 50 ms)`,
    value: p.longTasks.length,
    unit: 'count',
    target: { op: '=', value: 0 },
  });
  return figures;
}
