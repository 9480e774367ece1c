/**
 * Crash stress: the scenario of test/integration/crash-recovery.test.ts for many kill/restart
 * rounds (`npm run stress -- --iterations 100`). Rounds are grouped into runs of a few kills on
 * one data folder each; every run has its own seed, printed when it fails, so it can be run
 * again alone with `--seed <seed> --iterations <kills per run>`. Progress goes to stderr, one
 * summary line to stdout; the exit code is 1 when any invariant was broken.
 */
import { parseArgs } from 'node:util';
import type { ScenarioReport } from '../test/helpers/crash-scenario.ts';
import { runCrashScenario } from '../test/helpers/crash-scenario.ts';
import { randomSeed } from '../test/helpers/seeded-random.ts';

interface Totals {
  rounds: number;
  runs: number;
  accepted: number;
  stored: number;
  succeeded: number;
  exhausted: number;
  lost: number;
  duplicated: number;
  stuck: number;
  orphans: number;
  integrityFailures: number;
  violations: number;
  errors: number;
}

function options() {
  const { values } = parseArgs({
    options: {
      iterations: { type: 'string', default: '100' },
      'kills-per-run': { type: 'string', default: '4' },
      seed: { type: 'string' },
      workers: { type: 'string', default: '2' },
      graceful: { type: 'string', default: '0' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const number = (name: keyof typeof values, min: number, max: number): number => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value < min || value > max) {
      throw new Error(`--${name} "${String(values[name])}" must be a number from ${min} to ${max}`);
    }
    return value;
  };
  return {
    iterations: Math.floor(number('iterations', 1, 100_000)),
    killsPerRun: Math.floor(number('kills-per-run', 1, 50)),
    seed: values.seed === undefined ? randomSeed() : Math.floor(number('seed', 0, 2 ** 32 - 1)),
    workers: Math.floor(number('workers', 1, 32)),
    graceful: number('graceful', 0, 1),
    verbose: values.verbose,
  };
}

function add(totals: Totals, report: ScenarioReport): void {
  totals.runs++;
  totals.rounds += report.rounds.length;
  totals.accepted += report.accepted;
  totals.stored += report.stored;
  totals.succeeded += report.succeeded;
  totals.exhausted += report.exhausted;
  totals.lost += report.lost;
  totals.duplicated += report.duplicated;
  totals.stuck += report.stuck;
  totals.orphans += report.orphans;
  if (report.integrity !== 'ok') totals.integrityFailures++;
  totals.violations += report.violations.length;
}

async function main(): Promise<number> {
  const opts = options();
  const totals: Totals = {
    rounds: 0,
    runs: 0,
    accepted: 0,
    stored: 0,
    succeeded: 0,
    exhausted: 0,
    lost: 0,
    duplicated: 0,
    stuck: 0,
    orphans: 0,
    integrityFailures: 0,
    violations: 0,
    errors: 0,
  };
  const started = Date.now();
  for (let done = 0, run = 0; done < opts.iterations; run++) {
    const kills = Math.min(opts.killsPerRun, opts.iterations - done);
    const seed = (opts.seed + run) >>> 0;
    done += kills;
    try {
      const report = await runCrashScenario({
        seed,
        kills,
        workers: opts.workers,
        graceful: opts.graceful,
        log: opts.verbose ? (line) => console.error(`  ${line}`) : undefined,
      });
      add(totals, report);
      const verdict = report.violations.length === 0 ? 'ok' : 'VIOLATED';
      console.error(
        `run ${run + 1} seed=${seed} kills=${kills}: accepted=${report.accepted} succeeded=${report.succeeded} exhausted=${report.exhausted} ${verdict}`,
      );
      for (const violation of report.violations) console.error(`  ${violation}`);
      if (opts.verbose && report.violations.length > 0) console.error(report.serverLog.join('\n'));
    } catch (error) {
      totals.errors++;
      console.error(`run ${run + 1} seed=${seed}: could not run: ${String(error)}`);
    }
  }
  console.log(summary(totals, opts.seed, Date.now() - started));
  return totals.violations + totals.errors === 0 ? 0 : 1;
}

function summary(t: Totals, seed: number, ms: number): string {
  const integrity = t.integrityFailures === 0 ? 'ok' : `FAILED(${t.integrityFailures})`;
  return (
    `stress: rounds=${t.rounds} runs=${t.runs} accepted=${t.accepted} stored=${t.stored} ` +
    `succeeded=${t.succeeded} exhausted=${t.exhausted} lost=${t.lost} duplicated=${t.duplicated} ` +
    `stuck=${t.stuck} orphans=${t.orphans} integrity=${integrity} violations=${t.violations} ` +
    `errors=${t.errors} seed=${seed} time=${(ms / 1000).toFixed(0)}s`
  );
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`stress: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
