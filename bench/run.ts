/**
 * `npm run bench` (or `node bench/run.ts [submit|recovery|startup|throughput|shared|ui|paint]…`): runs the
 * benchmark sections, then writes the performance report (report.ts) with its charts and prints
 * it. Tables, not pass/fail: timing goals never go in tests.
 *
 * Only a complete run (every section, none failed) writes bench/REPORT.md and
 * bench/limiter-window.png, the pair committed from the reference machine. Any other run writes
 * bench/REPORT.partial.md and *.partial.png (git-ignored): trying one section must not replace
 * the committed figures with a subset, nor leave a chart that disagrees with the report.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CHART_SIZE, windowChartSvg } from './chart.ts';
import { firstPaint } from './first-paint.ts';
import { limiterThroughput } from './limiter-throughput.ts';
import { sharedBudget } from './shared-budget.ts';
import type { ChartOutcome, SectionRun } from './report.ts';
import { buildReport } from './report.ts';
import type { PngJob } from './report-png.ts';
import { writePngs } from './report-png.ts';
import { startupTime } from './startup.ts';
import { submitLatency } from './submit-latency.ts';
import type { SectionReport } from './util.ts';
import { runCleanups } from './util.ts';
import { uiLatency } from './ui-latency.ts';
import { workerRecovery } from './worker-recovery.ts';

const sections: Record<string, () => Promise<SectionReport>> = {
  submit: submitLatency,
  recovery: workerRecovery,
  startup: startupTime,
  throughput: limiterThroughput,
  shared: sharedBudget,
  ui: uiLatency,
  paint: firstPaint,
};

const BENCH_DIR = import.meta.dirname;

/** How this run was started, for the report: the npm script when it came through npm. */
function command(asked: readonly string[]): string {
  if (process.env.npm_lifecycle_event === 'bench') {
    return ['npm run bench', ...(asked.length ? ['--', ...asked] : [])].join(' ');
  }
  return ['node bench/run.ts', ...asked].join(' ');
}

/** `limiter-window.png` → `limiter-window.partial.png` for a partial run. */
const withSuffix = (file: string, suffix: string): string =>
  suffix ? file.replace(/(\.[^.]*)?$/, `${suffix}$1`) : file;

/** Draws every chart the sections handed over; a chart that cannot be drawn says why. */
async function drawCharts(runs: readonly SectionRun[], suffix: string): Promise<ChartOutcome[]> {
  const charts = runs.flatMap((r) => r.report?.charts ?? []);
  const outcomes = charts.map((c) => ({ title: c.title, file: withSuffix(c.file, suffix) }));
  const jobs: PngJob[] = charts.map((c, i) => ({
    svg: windowChartSvg(c),
    ...CHART_SIZE,
    path: join(BENCH_DIR, (outcomes[i] as ChartOutcome).file),
  }));
  try {
    await writePngs(jobs);
    return outcomes;
  } catch (err) {
    process.exitCode = 1;
    return outcomes.map((o) => ({ ...o, error: err instanceof Error ? err.message : String(err) }));
  }
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const known = Object.keys(sections);
  const unknown = asked.filter((name) => !(name in sections));
  if (unknown.length) {
    console.error(`unknown section(s): ${unknown.join(', ')}; choose from ${known.join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const names = asked.length ? asked : known;
  const startedAt = new Date();
  const loadAtStart = loadavg();
  const started = performance.now();
  const runs: SectionRun[] = [];
  for (const name of names) {
    // Progress goes to stderr: stdout is the report alone, the same text as the file.
    console.error(`bench: ${name}…`);
    const t0 = performance.now();
    try {
      const report = await (sections[name] as () => Promise<SectionReport>)();
      runs.push({ name, seconds: (performance.now() - t0) / 1000, report });
    } catch (err) {
      process.exitCode = 1;
      const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
      runs.push({ name, seconds: (performance.now() - t0) / 1000, error });
      console.error(`bench: ${name} failed`);
      await runCleanups();
    }
  }
  const complete = known.every((k) => runs.some((r) => r.name === k && r.error === undefined));
  const suffix = complete ? '' : '.partial';
  const charts = await drawCharts(runs, suffix);
  const markdown = buildReport({
    startedAt,
    seconds: (performance.now() - started) / 1000,
    command: command(asked),
    known,
    runs,
    charts,
    loadAtStart,
  });
  const file = `REPORT${suffix}.md`;
  writeFileSync(join(BENCH_DIR, file), `${markdown}\n`);
  console.log(markdown);
  console.error(`bench: wrote bench/${file}${complete ? '' : ' (not every section ran)'}`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`bench: ${signal}, cleaning up`);
    void runCleanups().finally(() => process.exit(130));
  });
}

// A throw inside the core (e.g. in a worker message handler) must not leave temp dirs or
// workers behind. The core may throw again while we clean up: those are only counted.
let uncaught = 0;
process.on('uncaughtException', (err) => {
  if (uncaught++ > 0) return;
  console.log(`\nbench: uncaught exception, cleaning up\n\n${err.stack ?? String(err)}`);
  void runCleanups().finally(() => {
    if (uncaught > 1) console.log(`(${uncaught - 1} more uncaught exceptions while cleaning up)`);
    process.exit(1);
  });
});

await main();
