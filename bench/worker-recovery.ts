/**
 * Worker crash → replacement: a core with two real worker processes streaming slowly from the
 * fake gateway; SIGKILL one mid-task and time the replacement's `ready` and the killed task
 * running again. Two cases: other work queued (a replacement is demanded at once), and the
 * killed task alone (nothing is runnable until its back-off ends).
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { createCore } from '../src/main/core/core.ts';
import { defaultSettings } from '../src/main/core/settings.ts';
import type { WorkerHandle } from '../src/main/core/worker-port.ts';
import { spawnChildWorker } from '../src/main/headless/child-process-worker.ts';
import type { TaskView } from '../src/shared/task.ts';
import { startFakeGateway } from '../test/helpers/fake-gateway.ts';
import { summarize, table } from './stats.ts';
import type { Figure, SectionReport } from './util.ts';
import { benchDir, onCleanup, WORKER_ENTRY, waitFor } from './util.ts';

/** The issue that asked for these figures (no target was set). */
const ISSUE = 3;
const SAMPLES = 10;
const CHUNK_MS = 25;
/** A reply that streams for minutes: the victims never finish on their own. */
const LONG_REPLY = 'lorem ipsum dolor sit amet '.repeat(1500);

interface Tracked {
  handle: WorkerHandle;
  spawnedAt: number;
  readyAt?: number;
  exitAt?: number;
  job?: { taskId: string; attempt: number };
}

type Scenario = 'other work queued' | 'killed task alone';
const METRICS = [
  ['kill → exit seen by the core', 'exit'],
  ['kill → replacement forked', 'spawn'],
  ['fork → `ready` (worker start-up)', 'startup'],
  ['kill → replacement `ready`', 'ready'],
  ['back-off drawn for the retry', 'backoff'],
  ['kill → killed task running again', 'rerun'],
  ['  of which after its back-off ended', 'lag'],
] as const;
type Metric = (typeof METRICS)[number][1];

export async function workerRecovery(): Promise<SectionReport> {
  const dir = benchDir('recovery');
  const dbPath = join(dir.path, 'db.sqlite');
  /** Prompts whose next attempt should finish at once (the killed victims, the fillers). */
  const quick = new Set<string>();
  const gateway = await startFakeGateway({
    chunkDelayMs: CHUNK_MS,
    reply: (text) => (quick.has(text) ? 'done.' : LONG_REPLY),
  });
  const stopGateway = onCleanup(() => gateway.close());
  const workers: Tracked[] = [];
  const logLines: string[] = [];
  const core = createCore({
    dbPath,
    settings: defaultSettings({
      gateway: { url: gateway.url, token: gateway.token, agentId: 'main' },
      workerCount: 2,
      // Not what is measured here: a budget wide enough that no kill waits for the window.
      rateLimit: { perWindow: 100_000, windowMs: 60_000, maxConcurrent: 5 },
    }),
    spawnWorker: () => track(spawnChildWorker(WORKER_ENTRY), workers),
    log: (line) => void logLines.push(line),
  });
  const stopCore = onCleanup(async () => {
    await core.close();
    for (const w of workers) if (w.exitAt === undefined) w.handle.kill();
  });
  const reader = new Database(dbPath, { readonly: true });

  /** When each (task, attempt) was seen running, and when a crashed task went back in line. */
  const runningAt = new Map<string, number>();
  const requeuedAt = new Map<string, number>();
  const backoffOf = new Map<string, number>();
  core.onEvent((event) => {
    if (event.type !== 'task') return;
    const { id, state, attempts, error } = event.task;
    if (state === 'running') runningAt.set(`${id}#${attempts}`, performance.now());
    if (state === 'queued' && error?.code === 'worker_crashed') {
      requeuedAt.set(id, performance.now());
      // Read now: the claim and checkpoints move updated_at later.
      const row = reader
        .prepare('SELECT not_before - updated_at AS backoff FROM tasks WHERE id = ?')
        .get(id) as { backoff: number };
      backoffOf.set(id, Math.max(0, row.backoff)); // the two clocks differ by ≤ 1 ms
    }
  });

  let sent = 0;
  const send = async (text: string): Promise<string> => {
    const outcome = await core.dispatch('chat.send', { text });
    if (!outcome.ok) throw new Error(outcome.error.message);
    sent++;
    return (outcome.result as { task: TaskView }).task.id;
  };
  const victims = new Set<string>();
  const busyWithVictim = (): Tracked[] =>
    workers.filter(
      (w) => w.exitAt === undefined && w.job?.attempt === 1 && victims.has(w.job.taskId),
    );
  const addVictim = async (): Promise<void> => void victims.add(await send(`victim ${sent}`));

  const results = new Map<Scenario, Record<Metric, number[]>>();
  try {
    await addVictim();
    await addVictim();
    await waitFor('two workers streaming', () => busyWithVictim().length === 2, 30_000);
    for (const scenario of ['other work queued', 'killed task alone'] as const) {
      const m = Object.fromEntries(METRICS.map(([, key]) => [key, [] as number[]]));
      results.set(scenario, m as Record<Metric, number[]>);
      for (let i = 0; i < SAMPLES; i++) {
        const target = busyWithVictim()[0] as Tracked;
        const job = target.job as { taskId: string; attempt: number };
        const prompt = (
          reader.prepare('SELECT prompt FROM tasks WHERE id = ?').get(job.taskId) as {
            prompt: string;
          }
        ).prompt;
        // Its retry finishes at once and frees the worker for the next sample.
        quick.add(prompt);
        victims.delete(job.taskId);
        if (scenario === 'other work queued') {
          const filler = `filler ${sent}`;
          quick.add(filler);
          await send(filler);
        }
        const before = workers.length;
        const t0 = performance.now();
        process.kill(target.handle.pid as number, 'SIGKILL');
        const again = `${job.taskId}#${job.attempt + 1}`;
        await waitFor('the killed task to run again', () => runningAt.has(again), 30_000);
        const replacement = workers[before] as Tracked;
        await waitFor('the replacement to be ready', () => replacement.readyAt !== undefined);
        const backoff = backoffOf.get(job.taskId) as number;
        const requeued = requeuedAt.get(job.taskId) as number;
        const rerun = (runningAt.get(again) as number) - t0;
        m.exit?.push((target.exitAt as number) - t0);
        m.spawn?.push(replacement.spawnedAt - t0);
        m.startup?.push((replacement.readyAt as number) - replacement.spawnedAt);
        m.ready?.push((replacement.readyAt as number) - t0);
        m.backoff?.push(backoff);
        m.rerun?.push(rerun);
        m.lag?.push(rerun - (requeued - t0) - backoff);
        // Back to two workers streaming a first attempt, for the next sample.
        await addVictim();
        await waitFor('two workers streaming again', () => busyWithVictim().length === 2, 30_000);
      }
    }
  } finally {
    reader.close();
    await stopCore();
    await stopGateway();
    await dir.cleanup();
  }

  const rows: (string | number)[][] = [];
  const figures: Figure[] = [];
  for (const [scenario, m] of results) {
    for (const [label, key] of METRICS) {
      const s = summarize(m[key]);
      rows.push([scenario, label, s.n, s.min, s.p50, s.max]);
      // The two a user feels: capacity back, and their task running again.
      if (key !== 'ready' && key !== 'rerun') continue;
      for (const [stat, value] of [
        ['P50', s.p50],
        ['max', s.max],
      ] as const) {
        figures.push({
          issue: ISSUE,
          name: `${label} (${scenario}), ${stat} of ${s.n}`,
          value,
          unit: 'ms',
        });
      }
    }
  }
  const unexpected = logLines.filter((l) => !/worker exited|ignored a/.test(l));
  return {
    title: 'Worker crash → replacement',
    tables: [table(['case', 'metric', 'N', 'min ms', 'P50 ms', 'max ms'], rows)],
    figures,
    notes: [
      `${SAMPLES} samples per case, one core (workerCount 2, real \`child_process.fork\` workers of src/worker/index.ts) against the fake gateway streaming a word every ${CHUNK_MS} ms; before each kill both workers stream a first attempt.`,
      'SIGKILL goes to the pid of a busy worker; `ready` is timestamped in a wrapper around the WorkerHandle before the pool sees it; "running again" is the core\'s task event for the next attempt.',
      '"other work queued": a short task also waits in line, so the pool must fork a replacement as soon as it sees the exit. "killed task alone": the killed task is the only work, so a replacement is demanded only once it is runnable again, after whatever back-off the core drew (the back-off row, read from `not_before − updated_at` when it was re-queued).',
      ...(unexpected.length ? [`core log: ${unexpected.slice(0, 3).join(' | ')}`] : []),
    ],
  };
}

/** Wraps a WorkerHandle to timestamp its start, `ready`, exit, and the job it was given. */
function track(inner: WorkerHandle, all: Tracked[]): WorkerHandle {
  const tracked: Tracked = { handle: inner, spawnedAt: performance.now() };
  all.push(tracked);
  inner.onExit(() => (tracked.exitAt ??= performance.now()));
  return {
    get pid() {
      return inner.pid;
    },
    send(message) {
      if (message.type === 'run')
        tracked.job = { taskId: message.job.taskId, attempt: message.job.attempt };
      inner.send(message);
    },
    onMessage(listener) {
      inner.onMessage((raw) => {
        const type = (raw as { type?: unknown } | null)?.type;
        if (type === 'ready') tracked.readyAt ??= performance.now();
        if (type === 'succeeded' || type === 'failed') tracked.job = undefined;
        listener(raw);
      });
    },
    onExit: (listener) => inner.onExit(listener),
    kill: () => inner.kill(),
  };
}
