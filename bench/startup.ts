/**
 * Start-up with 10,000 tasks in the database: time until the first `conversations.list` and
 * the largest conversation's `chat.history` answer, and the memory of the process after it.
 * Each run is a fresh Node process (so RSS means something) on a fresh copy of the file.
 */
import { fork } from 'node:child_process';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CONVERSATIONS, RUNNING, seedDatabase, TASKS } from './seed-db.ts';
// What the chat window opens a conversation with: the figure measures that request.
import { HISTORY_PAGE } from '../src/renderer/src/store/history-loader.ts';
import type { StartupSample } from './startup-child.ts';
import { fmtBytes, summarize, table } from './stats.ts';
import type { Figure, SectionReport, Unit } from './util.ts';
import { benchDir } from './util.ts';

/** The issue that asked for these figures (no target was set). */
const ISSUE = 3;
const RUNS = 5;
const CHILD = join(import.meta.dirname, 'startup-child.ts');

/** `limit`: ask for the latest page of that many tasks; without, the whole conversation. */
function runChild(dbPath: string, conversationId: string, limit?: number): Promise<StartupSample> {
  return new Promise((resolve, reject) => {
    const args = limit === undefined ? [] : [String(limit)];
    const child = fork(CHILD, [dbPath, conversationId, ...args], {
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let sample: StartupSample | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('message', (m) => (sample = m as StartupSample));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (sample) resolve(sample);
      else reject(new Error(`start-up child ended without a result (${code ?? signal})`));
    });
  });
}

export async function startupTime(): Promise<SectionReport> {
  const dir = benchDir('startup');
  try {
    const seedPath = join(dir.path, 'seed.sqlite');
    const info = seedDatabase(seedPath);
    const dbBytes = statSync(seedPath).size;
    const samples: StartupSample[] = [];
    /** The same start-ups, opening the largest conversation at its latest page instead. */
    const pageSamples: StartupSample[] = [];
    for (let i = 0; i < RUNS; i++) {
      for (const mode of ['whole', 'page'] as const) {
        const runDir = join(dir.path, `run-${i}-${mode}`);
        mkdirSync(runDir);
        const dbPath = join(runDir, 'clawdesk.sqlite');
        copyFileSync(seedPath, dbPath);
        const limit = mode === 'page' ? HISTORY_PAGE : undefined;
        const sample = await runChild(dbPath, info.largest.id, limit);
        (mode === 'whole' ? samples : pageSamples).push(sample);
      }
    }
    const ms = (label: string, pick: (s: StartupSample) => number, from = samples) => {
      const s = summarize(from.map(pick));
      return [label, s.n, s.min, s.p50, s.max];
    };
    const bytes = (label: string, pick: (s: StartupSample) => number) => {
      const s = summarize(samples.map(pick));
      return [label, s.n, fmtBytes(s.min), fmtBytes(s.p50), fmtBytes(s.max)];
    };
    const first = samples[0] as StartupSample;
    const firstPage = pageSamples[0] as StartupSample;
    const p50 = (from: StartupSample[], pick: (s: StartupSample) => number) =>
      summarize(from.map(pick)).p50;
    /** The chat.history call alone: from conversations.list answered to it answered. */
    const call = (s: StartupSample) => s.historyMs - s.listMs;
    const mib = (s: StartupSample) => s.historyBytes / 1024 ** 2;
    const page = `chat.history latest page of ${HISTORY_PAGE}`;
    /** A page figure against the same figure of the whole conversation, from this run. */
    const pageFigure = (name: string, unit: Unit, pick: (s: StartupSample) => number): Figure => ({
      issue: ISSUE,
      name,
      value: p50(pageSamples, pick),
      unit,
      baseline: { name: 'the whole conversation', value: p50(samples, pick) },
    });
    const figure = (name: string, unit: Unit, pick: (s: StartupSample) => number): Figure => ({
      issue: ISSUE,
      name: `${name}, P50 of ${RUNS}`,
      value: summarize(samples.map(pick)).p50,
      unit,
    });
    const figures: Figure[] = [
      figure('createCore() with 10,000 tasks', 'ms', (s) => s.createCoreMs),
      figure('createCore() → first conversations.list', 'ms', (s) => s.listMs),
      figure('createCore() → chat.history of the largest', 'ms', (s) => s.historyMs),
      pageFigure(`createCore() → ${page}, P50 of ${RUNS}`, 'ms', (s) => s.historyMs),
      pageFigure(`${page}, the call alone, P50 of ${RUNS}`, 'ms', call),
      pageFigure(`${page}, JSON answer`, 'MiB', mib),
      figure('RSS after start', 'MiB', (s) => s.rss / 1024 ** 2),
    ];
    const states = Object.entries(info.states)
      .map(([state, n]) => `${n} ${state}`)
      .join(', ');
    return {
      title: 'Start-up with 10,000 tasks',
      tables: [
        table(
          ['metric', 'N', 'min', 'P50', 'max'],
          [
            ms('process start → core modules imported (ms)', (s) => s.importedMs),
            ms('createCore() returned (open, migrate, recover) (ms)', (s) => s.createCoreMs),
            ms('createCore() → first conversations.list answered (ms)', (s) => s.listMs),
            ms('createCore() → chat.history of the largest answered (ms)', (s) => s.historyMs),
            ms(`createCore() → ${page} answered (ms)`, (s) => s.historyMs, pageSamples),
            ms('chat.history of the largest, the call alone (ms)', call),
            ms(`${page}, the call alone (ms)`, call, pageSamples),
            bytes('RSS before createCore()', (s) => s.rssBeforeCore),
            bytes('RSS after start (both answers in hand)', (s) => s.rss),
            bytes('V8 heap used after start', (s) => s.heapUsed),
          ],
        ),
      ],
      figures,
      notes: [
        `${RUNS} runs, each a fresh Node process (\`bench/startup-child.ts\`) on a fresh copy of one seeded file; the inert worker handle again, so no worker process starts.`,
        `Database: ${TASKS.toLocaleString('en')} tasks (${states}) over ${CONVERSATIONS} conversations, succeeded ones with ~1 KB outputs; ${fmtBytes(dbBytes)} after a WAL checkpoint; seeded with SQL in one transaction after \`openDatabase()\` made the schema (${(info.buildMs / 1000).toFixed(1)} s).`,
        `${RUNNING} tasks are \`running\` in the file, so start-up recovery has work: each becomes interrupted, then queued again.`,
        `Largest conversation: ${info.largest.tasks} tasks; its chat.history answer is ${first.historyTasks} tasks, ${fmtBytes(first.historyBytes)} of JSON without a limit (an export); the latest page, what the chat window opens with, is ${firstPage.historyTasks} tasks, ${fmtBytes(firstPage.historyBytes)}. conversations.list answered ${first.conversations} conversations.`,
        `The page rows are ${RUNS} more start-ups, alternating with the others, each on its own fresh copy; the other rows are from the whole-history runs.`,
        'The file was just written, so it is in the OS page cache: a warm start, not a cold disk read.',
      ],
    };
  } finally {
    await dir.cleanup();
  }
}
