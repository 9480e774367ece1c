/**
 * Issue 7: the database on a full or read-only location. Root ignores permission bits, so the
 * trouble is made with SQLite itself through createCore's test-only `onDatabaseOpen` seam:
 * `max_page_count` makes writes that need new pages fail with SQLITE_FULL ("database or disk
 * is full"), `query_only` makes every write fail with SQLITE_READONLY, as on a connection
 * SQLite had to open read-only. Real worker processes run against the fake gateway.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCore, type ClawDeskCore } from '../../src/main/core/core.ts';
import type { Db } from '../../src/main/core/database.ts';
import { defaultSettings } from '../../src/main/core/settings.ts';
import { spawnChildWorker } from '../../src/main/headless/child-process-worker.ts';
import type { ApiError, TaskEvent } from '../../src/shared/ipc-contract.ts';
import type { StorageProblem } from '../../src/shared/storage.ts';
import type { TaskView } from '../../src/shared/task.ts';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-gateway.ts';
import { fillDisk, freeDisk } from '../helpers/full-disk.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { WORKER_ENTRY } from '../helpers/worker-core.ts';

// Replies of 30 chunks and ~8 KB: a finished reply needs pages of its own (SQLite overflow
// pages), so on a full disk it cannot be written, while small updates may still fit.
const WORDS = Array.from({ length: 30 }, (_, i) => `w${i + 1}${'.'.repeat(260)}`).join(' ');
const replyTo = (text: string): string => `Echo: ${text} ${WORDS}`;

let dir: ReturnType<typeof tempDir>;
let gateway: FakeGateway;
let dbPath: string;
const cores: ClawDeskCore[] = [];

beforeEach(async () => {
  dir = tempDir('clawdesk-disk-');
  dbPath = join(dir.path, 'clawdesk.sqlite');
  gateway = await startFakeGateway({ chunkDelayMs: 25, reply: replyTo });
});
afterEach(async () => {
  await Promise.all(cores.splice(0).map((core) => core.close()));
  await gateway.close();
  dir.cleanup();
});

function start(onDatabaseOpen?: (db: Db) => void) {
  const events: TaskEvent[] = [];
  const log: string[] = [];
  const core = createCore({
    dbPath,
    settings: defaultSettings({
      gateway: { url: gateway.url, token: gateway.token, agentId: 'main' },
      workerCount: 2,
      storageProbeMs: 100,
    }),
    spawnWorker: () => spawnChildWorker(WORKER_ENTRY),
    log: (line) => log.push(line),
    ...(onDatabaseOpen ? { onDatabaseOpen } : {}),
  });
  cores.push(core);
  core.onEvent((event) => events.push(event));
  return { core, events, log };
}

async function call<T>(core: ClawDeskCore, method: string, params: object = {}): Promise<T> {
  const outcome = await core.dispatch(method, params);
  if (!outcome.ok) throw new Error(`${method}: ${outcome.error.message}`);
  return outcome.result as T;
}

async function refusal(core: ClawDeskCore, method: string, params: object): Promise<ApiError> {
  const outcome = await core.dispatch(method, params);
  if (outcome.ok) throw new Error(`${method} was accepted`);
  return outcome.error;
}

const send = (core: ClawDeskCore, text: string, conversationId?: string) =>
  call<{ conversation: { id: string }; task: TaskView }>(core, 'chat.send', {
    text,
    ...(conversationId ? { conversationId } : {}),
  });

const history = (core: ClawDeskCore, conversationId: string) =>
  call<TaskView[]>(core, 'chat.history', { conversationId });

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const storageEvents = (events: TaskEvent[]) =>
  events.flatMap((e) => (e.type === 'storage' ? [e.problem] : []));

/** The file as another program would find it: its own read-only connection. */
function readFile(): { tasks: Pick<TaskView, 'prompt' | 'state' | 'output'>[]; integrity: string } {
  const db = new Database(dbPath, { readonly: true });
  try {
    const tasks = db.prepare('SELECT prompt, state, output FROM tasks ORDER BY id').all() as Pick<
      TaskView,
      'prompt' | 'state' | 'output'
    >[];
    const integrity = db.pragma('integrity_check', { simple: true }) as string;
    return { tasks, integrity };
  } finally {
    db.close();
  }
}

describe('a full disk', () => {
  it('refuses new work with the reason, keeps every result, and carries on once space is free', async () => {
    let db: Db | undefined;
    const { core, events } = start((opened) => (db = opened));

    // Committed before the trouble: one finished reply.
    const first = await send(core, 'before');
    const id = first.conversation.id;
    await until('the first reply', async () => (await history(core, id))[0]?.state === 'succeeded');
    const committed = (await history(core, id))[0]!;

    // Two running (two workers), two queued — each its own conversation, since OpenClaw runs one
    // turn per session: these wait for a worker, not for each other.
    const conversations = [id];
    for (const text of ['run-1', 'run-2', 'queued-1', 'queued-2']) {
      conversations.push((await send(core, text)).conversation.id);
    }
    const all = async (_core: ClawDeskCore, _id: string): Promise<TaskView[]> => {
      const tasks = await Promise.all(conversations.map((c) => history(core, c)));
      return tasks.flat().sort((a, b) => a.id.localeCompare(b.id));
    };
    await until('two streaming replies', async () => {
      const running = (await all(core, id)).filter((t) => t.state === 'running');
      return running.length === 2 && running.every((t) => t.output.length > 0);
    });

    fillDisk(db!);
    // A message with room for nothing: refused, with what is wrong and what to do.
    const big = await refusal(core, 'chat.send', { conversationId: id, text: 'x'.repeat(20_000) });
    expect(big.code).toBe('storage_unavailable');
    expect(big.message).toBe(
      `cannot save: the disk holding ${dir.path} is full. Free some space on it; ClawDesk tries again by itself.`,
    );
    const problem = storageEvents(events).at(-1) as StorageProblem;
    expect(problem).toMatchObject({
      kind: 'full',
      folder: dir.path,
      code: 'SQLITE_FULL',
      restartNeeded: false,
    });
    const status = await call<{ problem: StorageProblem | null }>(core, 'storage.status');
    expect(status.problem).toEqual(problem);
    // While it lasts, small messages and other changes are refused too; nothing changes.
    expect((await refusal(core, 'chat.send', { conversationId: id, text: 'small' })).code).toBe(
      'storage_unavailable',
    );
    const queued = (await all(core, id)).find((t) => t.prompt === 'queued-1')!;
    expect((await refusal(core, 'tasks.cancel', { taskId: queued.id })).code).toBe(
      'storage_unavailable',
    );
    expect((await refusal(core, 'settings.update', { workerCount: 3 })).code).toBe(
      'storage_unavailable',
    );

    // The running replies finish; the user reads them although they cannot be saved yet.
    await until('the running replies, from memory', async () => {
      const tasks = await all(core, id);
      return tasks.filter((t) => t.prompt.startsWith('run-') && t.state === 'succeeded').length ===
        2
        ? tasks
        : undefined;
    });
    for (const t of (await all(core, id)).filter((t) => t.prompt.startsWith('run-'))) {
      expect(t.output).toBe(replyTo(t.prompt));
    }
    // Nothing new starts while results cannot be saved; reads keep working.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const during = await all(core, id);
    expect(during.filter((t) => t.prompt.startsWith('queued-')).map((t) => t.state)).toEqual([
      'queued',
      'queued',
    ]);
    const list = await call<{ total: number }>(core, 'tasks.list', {});
    expect(list.total).toBe(5);
    // On disk meanwhile: the committed reply intact, the finished runs still `running` (their
    // results wait in memory), nothing half-written, the file sound.
    const onDisk = readFile();
    expect(onDisk.integrity).toBe('ok');
    expect(onDisk.tasks[0]).toEqual({
      prompt: 'before',
      state: 'succeeded',
      output: committed.output,
    });
    expect(onDisk.tasks.slice(1).map((t) => t.state)).toEqual([
      'running',
      'running',
      'queued',
      'queued',
    ]);

    // Space again: the probe notices by itself, the results are written, the queue runs.
    freeDisk(db!);
    await until('the problem to clear', () => storageEvents(events).at(-1) === null);
    expect((await call<{ problem: unknown }>(core, 'storage.status')).problem).toBeNull();
    const after = await send(core, 'after', id);
    expect(after.task.state).toBe('queued');
    await until('every task to finish', async () => {
      const tasks = await all(core, id);
      return tasks.length === 6 && tasks.every((t) => t.state === 'succeeded');
    });
    await core.close();

    // Re-opened: every task with its state and whole output, the file sound.
    const reopened = readFile();
    expect(reopened.integrity).toBe('ok');
    expect(reopened.tasks).toEqual(
      ['before', 'run-1', 'run-2', 'queued-1', 'queued-2', 'after'].map((prompt) => ({
        prompt,
        state: 'succeeded',
        output: replyTo(prompt),
      })),
    );
  }, 60_000);

  it('found at start-up: refused until space is free, then interrupted work runs again', async () => {
    const seeded = start();
    const { conversation } = await send(seeded.core, 'was running');
    await until('the reply', async () => {
      const [task] = await history(seeded.core, conversation.id);
      return task?.state === 'succeeded';
    });
    await seeded.core.close();
    // As if ClawDesk had died mid-run: the task is `running` in the file.
    const raw = new Database(dbPath);
    raw.prepare(`UPDATE tasks SET state = 'running', output = 'Echo: was'`).run();
    raw.close();

    let db: Db | undefined;
    const { core, events } = start((opened) => {
      db = opened;
      fillDisk(opened);
    });
    const status = await call<{ problem: StorageProblem | null }>(core, 'storage.status');
    expect(status.problem).toMatchObject({ kind: 'full', restartNeeded: false });
    expect((await refusal(core, 'chat.send', { text: 'hello' })).code).toBe('storage_unavailable');
    // Its history reads; the interrupted task waits.
    // (Recovery may be written already, as small writes can fit; nothing runs before space.)
    const [waiting] = await history(core, conversation.id);
    expect(['running', 'queued']).toContain(waiting?.state);
    expect(waiting?.attempts).toBe(1);

    freeDisk(db!);
    await until('the problem to clear', () => storageEvents(events).at(-1) === null);
    await until('the interrupted task to run again', async () => {
      const [task] = await history(core, conversation.id);
      return task?.state === 'succeeded' && task.attempts === 2;
    });
    expect((await history(core, conversation.id))[0]?.output).toBe(replyTo('was running'));
  }, 60_000);
});

describe('a read-only location', () => {
  async function seedHistory(): Promise<string> {
    const seeded = start();
    const { conversation } = await send(seeded.core, 'kept');
    await until('the reply', async () => {
      const [task] = await history(seeded.core, conversation.id);
      return task?.state === 'succeeded';
    });
    await seeded.core.close();
    return conversation.id;
  }

  async function expectReadOnlyHistory(core: ClawDeskCore, conversationId: string) {
    const { problem } = await call<{ problem: StorageProblem | null }>(core, 'storage.status');
    expect(problem).toMatchObject({ kind: 'read_only', folder: dir.path, restartNeeded: true });
    expect(problem?.message).toBe(
      `cannot save: ${dir.path} is read-only, so ClawDesk opened its history read-only. ` +
        'Make the folder writable, then start ClawDesk again.',
    );
    const conversations = await call<{ id: string }[]>(core, 'conversations.list');
    expect(conversations.map((c) => c.id)).toEqual([conversationId]);
    const [task] = await history(core, conversationId);
    expect(task).toMatchObject({ prompt: 'kept', state: 'succeeded', output: replyTo('kept') });
    const refused = await refusal(core, 'chat.send', { conversationId, text: 'new' });
    expect(refused).toEqual({ code: 'storage_unavailable', message: problem?.message });
    expect((await call<{ total: number }>(core, 'tasks.list', {})).total).toBe(1);
  }

  it('opens the history read-only and refuses new work, saying what to do', async () => {
    const conversationId = await seedHistory();
    // SQLite opened the file, but the connection cannot write (as in a read-only folder).
    const { core } = start((db) => db.pragma('query_only = 1'));
    await expectReadOnlyHistory(core, conversationId);
    await core.close();

    // Writable again and started again: new work is accepted and runs.
    const { core: again } = start();
    expect((await call<{ problem: unknown }>(again, 'storage.status')).problem).toBeNull();
    await send(again, 'new', conversationId);
    await until('the new reply', async () => {
      const tasks = await history(again, conversationId);
      return tasks.length === 2 && tasks.every((t) => t.state === 'succeeded');
    });
    expect(readFile().integrity).toBe('ok');
  }, 60_000);

  it('reads a snapshot when SQLite cannot open the file at all (a WAL database, no -shm)', async () => {
    const conversationId = await seedHistory();
    // What a read-only mount does to a WAL database closed cleanly: nothing opens it but a
    // copy in memory.
    const cannotOpen = (db: Db) => {
      if (db.memory) return;
      throw Object.assign(new Error('unable to open database file'), { code: 'SQLITE_CANTOPEN' });
    };
    const { core } = start(cannotOpen);
    await expectReadOnlyHistory(core, conversationId);
  }, 60_000);

  it('fails to start with the path and the reason when there is no database to read', () => {
    const readOnly = (db: Db) => db.pragma('query_only = 1');
    expect(() => start(readOnly)).toThrow(
      new RegExp(
        `^cannot create the database ${dbPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ` +
          `${dir.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} cannot be written \\(SQLITE_READONLY`,
      ),
    );
  });
});
