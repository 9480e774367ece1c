/**
 * `npm run bench` (or `node bench/run.ts [submit|recovery|startup|throughput|ui]…`): runs the benchmark
 * sections and prints one Markdown table each, with the machine they ran on. Tables, not
 * pass/fail: timing goals never go in tests.
 */
import { availableParallelism, cpus, freemem, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fmtBytes } from './stats.ts';
import { startupTime } from './startup.ts';
import { submitLatency } from './submit-latency.ts';
import type { SectionReport } from './util.ts';
import { render, runCleanups } from './util.ts';
import { limiterThroughput } from './limiter-throughput.ts';
import { uiLatency } from './ui-latency.ts';
import { workerRecovery } from './worker-recovery.ts';

const sections: Record<string, () => Promise<SectionReport>> = {
  submit: submitLatency,
  recovery: workerRecovery,
  startup: startupTime,
  throughput: limiterThroughput,
  ui: uiLatency,
};

function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
  return [
    '# ClawDesk benchmarks',
    '',
    `- machine: ${cpu}, ${availableParallelism()} cores, ${fmtBytes(totalmem())} RAM (${fmtBytes(freemem())} free), load average ${load} (1/5/15 min)`,
    `- Node ${process.version} on ${process.platform}-${process.arch}`,
    `- date: ${new Date().toISOString()}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(name in sections));
  if (unknown.length) {
    console.error(
      `unknown section(s): ${unknown.join(', ')}; choose from ${Object.keys(sections).join(', ')}`,
    );
    process.exitCode = 2;
    return;
  }
  const names = asked.length ? asked : Object.keys(sections);
  console.log(machine());
  const started = performance.now();
  for (const name of names) {
    const t0 = performance.now();
    try {
      const report = await (sections[name] as () => Promise<SectionReport>)();
      const seconds = ((performance.now() - t0) / 1000).toFixed(1);
      console.log(
        `\n${render({ ...report, notes: [...report.notes, `section took ${seconds} s`] })}`,
      );
    } catch (err) {
      process.exitCode = 1;
      console.log(`\n## ${name}: FAILED\n\n${err instanceof Error ? err.stack : String(err)}`);
      await runCleanups();
    }
  }
  console.log(`\nTotal: ${((performance.now() - started) / 1000).toFixed(1)} s`);
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
