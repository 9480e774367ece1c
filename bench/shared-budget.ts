/**
 * Issue 15: 1, 2, 3 and 5 installs, each in its own process, saturating one budget shared
 * through a real `redis-server` on loopback; the local limiter alone in the same run as the
 * yardstick. Per run: the most starts in any rolling window (must stay ≤ N), the utilisation of
 * the ceiling, and how late each start came after the unit it took was back. Then the grant
 * latency of a free budget, shared against local, in this process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BudgetSwitch } from '../src/main/core/budget-switch.ts';
import { RateLimiter } from '../src/main/core/rate-limiter.ts';
import type { Limiter } from '../src/main/core/rate-limit-types.ts';
import { NO_REDIS, startRedis } from '../test/helpers/redis-server.ts';
import { maxInWindow } from '../test/helpers/rolling-window.ts';
import type { InstallConfig, InstallMessage } from './shared-budget-install.ts';
import { fmt, summarize, table } from './stats.ts';
import type { Figure, SectionReport } from './util.ts';
import { onCleanup } from './util.ts';

const ISSUE = 15;
const LIMITS = { perWindow: 40, windowMs: 3_000, maxConcurrent: 5 };
/** Six windows' worth: the first window is a free burst, the five after it are measured. */
const CALLS = LIMITS.perWindow * 6;
const CALL_MS = 20;
const INSTALLS = [1, 2, 3, 5];
const LATENCY_ROUNDS = 10;
const LATENCY_PER_ROUND = 50;
const DRIVER = join(import.meta.dirname, 'shared-budget-install.ts');

interface Run {
  label: string;
  installs: number;
  /** Through Redis; false: the local limiter alone. */
  shared: boolean;
  starts: number[];
}

/** Starts `count` install processes on one budget (`url` '' = local), all at once; their starts. */
async function runInstalls(label: string, count: number, url: string, budget: string) {
  const children: ChildProcess[] = [];
  const kill = onCleanup(() => children.forEach((c) => c.kill('SIGKILL')));
  try {
    const replies = Array.from({ length: count }, (_, i) => {
      const config: InstallConfig = {
        name: `${budget}-${i}`,
        url,
        budget,
        limits: LIMITS,
        // Every install asks for its part and keeps the budget busy to the end.
        calls: Math.ceil(CALLS / count),
        concurrency: LIMITS.maxConcurrent,
        callMs: CALL_MS,
      };
      const child = fork(DRIVER, [JSON.stringify(config)], { stdio: 'inherit' });
      children.push(child);
      return listen(child);
    });
    await Promise.all(replies.map((r) => r.ready));
    for (const child of children) child.send('go');
    const done = await Promise.all(replies.map((r) => r.done));
    const starts = done.flat().sort((a, b) => a - b);
    return { label, installs: count, shared: url !== '', starts };
  } finally {
    await kill();
  }
}

function listen(child: ChildProcess): { ready: Promise<void>; done: Promise<number[]> } {
  let ready!: () => void;
  let done!: (starts: number[]) => void;
  let fail!: (error: Error) => void;
  const readyP = new Promise<void>((resolve, reject) => ((ready = resolve), (fail = reject)));
  const doneP = new Promise<number[]>((resolve, reject) => {
    done = resolve;
    child.once('exit', (code) => reject(new Error(`an install exited early (code ${code})`)));
  });
  readyP.catch(() => {});
  child.once('exit', (code) => fail(new Error(`an install exited before it was ready (${code})`)));
  child.on('message', (m: InstallMessage) => (m.type === 'ready' ? ready() : done(m.starts)));
  return { ready: readyP, done: doneP };
}

/** How a run used its ceiling: the ideal span of its starts over the achieved one. */
function measure(run: Run) {
  const { perWindow, windowMs } = LIMITS;
  const span = (run.starts.at(-1) ?? 0) - (run.starts[0] ?? 0);
  const idealSpan = Math.floor((run.starts.length - 1) / perWindow) * windowMs;
  // Each start past the first window takes the unit of the start `perWindow` before it.
  const late = run.starts
    .slice(perWindow)
    .map((at, k) => Math.max(0, at - ((run.starts[k] ?? 0) + windowMs)));
  return {
    most: maxInWindow(run.starts, windowMs),
    utilisation: (idealSpan / span) * 100,
    span,
    idealSpan,
    late: summarize(late),
  };
}

/** Acquire → grant of a free budget, one at a time (the grant released before the next ask). */
async function grantTimes(limiter: Limiter, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const asked = performance.now();
    const grant = await limiter.acquire(0);
    times.push(performance.now() - asked);
    grant.release({ kind: 'ok' });
  }
  return times;
}

async function grantLatency(url: string) {
  const free = { perWindow: 100_000, windowMs: 60_000, maxConcurrent: 100 };
  const local = new RateLimiter(free);
  const shared = new BudgetSwitch({
    settings: free,
    sharing: { enabled: true, url, name: 'latency', installName: 'bench' },
    install: { id: 'bench-latency', name: 'bench' },
  });
  const stop = onCleanup(() => (local.stop(), shared.stop()));
  try {
    while (shared.budgetMode() !== 'shared') await new Promise((r) => setTimeout(r, 10));
    const times = { local: [] as number[], shared: [] as number[] };
    // Interleaved rounds: a busy moment of the machine falls on both alike.
    for (let round = 0; round < LATENCY_ROUNDS; round++) {
      times.local.push(...(await grantTimes(local, LATENCY_PER_ROUND)));
      times.shared.push(...(await grantTimes(shared, LATENCY_PER_ROUND)));
    }
    return { local: summarize(times.local), shared: summarize(times.shared) };
  } finally {
    await stop();
  }
}

export async function sharedBudget(): Promise<SectionReport> {
  if (NO_REDIS) throw new Error(`the shared-budget bench needs Redis: ${NO_REDIS}`);
  const redis = await startRedis();
  const stopRedis = onCleanup(() => redis.stop());
  try {
    const runs: Run[] = [await runInstalls('local limiter, no Redis', 1, '', 'local')];
    for (const k of INSTALLS) {
      runs.push(await runInstalls(`${k} install${k > 1 ? 's' : ''}, Redis`, k, redis.url, `b${k}`));
    }
    return report(runs, await grantLatency(redis.url));
  } finally {
    await stopRedis();
  }
}

type Latency = Awaited<ReturnType<typeof grantLatency>>;

type Measured = Array<{ run: Run; m: ReturnType<typeof measure> }>;
const added = (l: Latency) => ({
  p50: l.shared.p50 - l.local.p50,
  p95: l.shared.p95 - l.local.p95,
});

function tables(measured: Measured, latency: Latency): string[] {
  const rows = measured.map(({ run, m }) => [
    run.label,
    run.starts.length,
    `${m.most} / ${LIMITS.perWindow}`,
    `${fmt(m.utilisation)} %`,
    `${fmt(m.span / 1000)} s (ideal ${fmt(m.idealSpan / 1000)} s)`,
    `${fmt(m.late.p50)} / ${fmt(m.late.p95)} ms`,
  ]);
  const lat = (s: Latency['local']) => [fmt(s.p50), fmt(s.p95), fmt(s.p99), fmt(s.max)];
  const more = added(latency);
  const runHeader = ['run', 'starts', 'most in any window', 'utilisation'];
  return [
    table([...runHeader, 'first to last start', 'start after its unit was back P50 / P95'], rows),
    table(
      ['grant of a free budget', 'P50 ms', 'P95 ms', 'P99 ms', 'max ms'],
      [
        ['local limiter (Bottleneck)', ...lat(latency.local)],
        ['shared through Redis (one Lua script)', ...lat(latency.shared)],
        ['added by Redis', fmt(more.p50), fmt(more.p95), '', ''],
      ],
    ),
  ];
}

function figures(measured: Measured, latency: Latency): Figure[] {
  const { perWindow, windowMs } = LIMITS;
  const perRun = measured
    .filter(({ run }) => run.shared)
    .flatMap(({ run, m }): Figure[] => {
      const name = `shared budget, ${run.installs} install(s)`;
      return [
        {
          issue: ISSUE,
          name: `${name}: most starts in any ${windowMs} ms`,
          value: m.most,
          unit: 'count',
          baseline: { name: 'limit', value: perWindow },
          target: { op: '≤', value: perWindow },
        },
        {
          issue: ISSUE,
          name: `${name}: utilisation of the ceiling`,
          value: m.utilisation,
          unit: '%',
          target: { op: '≥', value: 97 },
        },
      ];
    });
  const more = added(latency);
  const name = 'shared budget: added grant latency';
  return [
    ...perRun,
    { issue: ISSUE, name: `${name} P50 (shared − local)`, value: more.p50, unit: 'ms' },
    {
      issue: ISSUE,
      name: `${name} P95 (shared − local)`,
      value: more.p95,
      unit: 'ms',
      target: { op: '<', value: 2 },
    },
  ];
}

const NOTES = [
  `Limits ${LIMITS.perWindow} per ${LIMITS.windowMs} ms and ${LIMITS.maxConcurrent} at once (the 40/min tier compressed 20×); ${CALLS} grants per run, split evenly over the installs; each install has ${LIMITS.maxConcurrent} callers that hold a slot ${CALL_MS} ms, so the window is the ceiling.`,
  'Each install is a process of its own with its own Redis connections (bench/shared-budget-install.ts); the first byte is reported at once, so each unit comes back one window after its grant.',
  'Utilisation: the ideal span of the starts (a full window at once, then a window per window) over the achieved one. "Start after its unit was back": how long each start past the first window came after the start whose unit it took was one window old.',
  `Grant latency: ${LATENCY_ROUNDS} interleaved rounds of ${LATENCY_PER_ROUND} sequential acquire → grant on a budget with room, in this process, redis-server on loopback. The shared path is one script round trip and does not go through Bottleneck, whose queue hands a job over in a few timer steps: so "added" can be below zero.`,
];

function report(runs: Run[], latency: Latency): SectionReport {
  const { perWindow, windowMs } = LIMITS;
  const measured = runs.map((run) => ({ run, m: measure(run) }));
  const five = runs.at(-1) as Run;
  const chartTitle = `Shared budget, ${five.installs} installs: starts per rolling ${windowMs / 1000} s window (limit ${perWindow})`;
  return {
    title: 'Shared budget through Redis (issue 15)',
    tables: tables(measured, latency),
    figures: figures(measured, latency),
    charts: [
      {
        file: 'shared-budget-window.png',
        title: chartTitle,
        starts: five.starts,
        windowMs,
        limit: perWindow,
      },
    ],
    notes: NOTES,
  };
}
