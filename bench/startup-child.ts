/**
 * One start-up of the core in a fresh process, forked by startup.ts:
 * `startup-child.ts <dbPath> <conversationId> [limit]`. Reports its timings and memory over
 * IPC. With a limit, chat.history is asked for the latest page only, as the chat window opens
 * a conversation; without, for all of it, as an export does.
 */
import { performance } from 'node:perf_hooks';
import { createCore } from '../src/main/core/core.ts';
import { defaultSettings } from '../src/main/core/settings.ts';
import { inertWorker } from './util.ts';

export interface StartupSample {
  /** Process start → the core's modules imported (Node boot, type stripping, zod, SQLite). */
  importedMs: number;
  createCoreMs: number;
  listMs: number;
  historyMs: number;
  conversations: number;
  historyTasks: number;
  /** JSON size of the chat.history answer, what the bridge would send. */
  historyBytes: number;
  rssBeforeCore: number;
  rss: number;
  heapUsed: number;
}

const importedMs = performance.now();
const [dbPath, conversationId, limitArg] = process.argv.slice(2);
const limit = limitArg === undefined ? undefined : Number(limitArg);
if (!dbPath || !conversationId || !process.send || (limit !== undefined && !(limit > 0))) {
  console.error(
    'usage: fork startup-child.ts <dbPath> <conversationId> [limit] (with an IPC channel)',
  );
  process.exit(2);
}

const rssBeforeCore = process.memoryUsage().rss;
const t0 = performance.now();
const core = createCore({
  dbPath,
  settings: defaultSettings(),
  spawnWorker: inertWorker,
  log: () => {},
});
const created = performance.now();
const list = await core.dispatch('conversations.list', {});
const listed = performance.now();
const history = await core.dispatch(
  'chat.history',
  limit === undefined ? { conversationId } : { conversationId, limit },
);
const answered = performance.now();
if (!list.ok || !history.ok) throw new Error('start-up: a command failed');
const { rss, heapUsed } = process.memoryUsage();

const sample: StartupSample = {
  importedMs,
  createCoreMs: created - t0,
  listMs: listed - t0,
  historyMs: answered - t0,
  conversations: (list.result as unknown[]).length,
  historyTasks: (history.result as unknown[]).length,
  historyBytes: Buffer.byteLength(JSON.stringify(history.result)),
  rssBeforeCore,
  rss,
  heapUsed,
};
await core.close();
process.send(sample, () => process.disconnect());
