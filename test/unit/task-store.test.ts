import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/main/core/database.ts';
import { migrations } from '../../src/main/core/migrations.ts';
import { IllegalTransitionError } from '../../src/main/core/task-state.ts';
import { TaskStore } from '../../src/main/core/task-store.ts';
import { tempDir } from '../helpers/temp-dir.ts';

describe('TaskStore', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  let store: TaskStore;
  const dbPath = () => `${dir.path}/t.sqlite`;

  beforeEach(() => {
    dir = tempDir();
    db = openDatabase(dbPath());
    store = new TaskStore(db);
  });
  afterEach(() => {
    db.close();
    dir.cleanup();
  });

  const submit = (conversationId: string, prompt = 'hi') =>
    store.submit({ conversationId, prompt, lane: 'interactive', agentId: 'main', maxAttempts: 2 });

  it('opens in WAL mode with every migration applied', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
  });

  it('refuses a database from a newer ClawDesk', () => {
    db.pragma(`user_version = ${migrations.length + 1}`);
    db.close();
    expect(() => openDatabase(dbPath())).toThrow(/newer than this ClawDesk knows/);
    db = new Database(dbPath());
  });

  it('has a submitted task committed when submit returns', () => {
    const conv = store.conversations.create('c');
    const task = submit(conv.id, 'hello');
    const other = new Database(dbPath(), { readonly: true });
    const row = other
      .prepare('SELECT state, prompt, session_key FROM tasks WHERE id = ?')
      .get(task.id);
    other.close();
    expect(row).toEqual({ state: 'queued', prompt: 'hello', session_key: `clawdesk:${conv.id}` });
  });

  it('claims tasks oldest first and counts the attempt', () => {
    const conv = store.conversations.create('c');
    const a = submit(conv.id, 'a');
    const b = submit(conv.id, 'b');
    expect(store.claimNext()).toMatchObject({ id: a.id, attempt: 1, prompt: 'a' });
    expect(store.claimNext()).toMatchObject({ id: b.id, attempt: 1 });
    expect(store.claimNext()).toBeUndefined();
    expect(store.get(a.id)?.state).toBe('running');
  });

  it('keeps a backed-off task out of line until its time', () => {
    const conv = store.conversations.create('c');
    const a = submit(conv.id);
    store.claimNext();
    store.transition(a.id, 'queued', { notBefore: Date.now() + 60_000 });
    expect(store.claimNext()).toBeUndefined();
    expect(store.nextWakeAt()).toBeGreaterThan(Date.now());
  });

  it('refuses an illegal transition and leaves the task as it was', () => {
    const conv = store.conversations.create('c');
    const a = submit(conv.id);
    expect(() => store.transition(a.id, 'succeeded')).toThrow(IllegalTransitionError);
    expect(store.get(a.id)?.state).toBe('queued');
  });

  it('ignores a result from a stale attempt', () => {
    const conv = store.conversations.create('c');
    const a = submit(conv.id);
    store.claimNext();
    store.transition(a.id, 'queued', {}, { state: 'running', attempt: 1 });
    store.claimNext(); // attempt 2
    expect(
      store.transition(a.id, 'succeeded', {}, { state: 'running', attempt: 1 }),
    ).toBeUndefined();
    store.appendOutput([{ taskId: a.id, attempt: 1, text: 'stale' }]);
    store.appendOutput([{ taskId: a.id, attempt: 2, text: 'fresh' }]);
    expect(store.transition(a.id, 'succeeded', {}, { state: 'running', attempt: 2 })?.state).toBe(
      'succeeded',
    );
    expect(store.get(a.id)?.output).toBe('fresh');
    expect(
      store.transition(a.id, 'succeeded', {}, { state: 'running', attempt: 2 }),
    ).toBeUndefined();
  });

  it('interrupts running tasks, counting the run as a failure only after a crash', () => {
    const conv = store.conversations.create('c');
    const a = submit(conv.id);
    const b = submit(conv.id);
    store.claimNext();
    expect(store.interruptRunning(false)).toEqual([a.id]);
    expect(store.get(a.id)?.state).toBe('interrupted');
    expect(store.get(b.id)?.state).toBe('queued');
    expect(store.listInterrupted()).toEqual([{ id: a.id, attemptsLeft: true }]);
    store.transition(a.id, 'queued');
    store.claimNext();
    store.interruptRunning(true); // 1 failure of 2
    store.transition(a.id, 'queued');
    store.claimNext();
    store.interruptRunning(true); // 2 of 2
    expect(store.listInterrupted()).toEqual([{ id: a.id, attemptsLeft: false }]);
  });

  it('spends automatic attempts on failures only, and gives them back on a retry', () => {
    const conv = store.conversations.create('c');
    const a = submit(conv.id); // maxAttempts 2
    store.claimNext();
    store.transition(a.id, 'paused', {}, { state: 'running' });
    expect(store.attemptsLeft(a.id, 1)).toBe(true);
    store.transition(a.id, 'queued');
    store.claimNext();
    store.transition(a.id, 'queued', { countFailure: true });
    expect(store.attemptsLeft(a.id)).toBe(true); // one more run…
    expect(store.attemptsLeft(a.id, 1)).toBe(false); // …and its failure would be the last
    store.claimNext();
    store.transition(a.id, 'failed', { countFailure: true });
    expect(store.attemptsLeft(a.id)).toBe(false);
    expect(store.get(a.id)?.attempts).toBe(3); // runs started, the guard of stale reports
    store.transition(a.id, 'queued', { resetFailures: true });
    expect(store.attemptsLeft(a.id, 1)).toBe(true);
  });

  it('refuses a submit beyond the unfinished limit, writing nothing', () => {
    const conv = store.conversations.create('c');
    submit(conv.id);
    const done = submit(conv.id);
    store.claimNext();
    store.claimNext();
    store.transition(done.id, 'succeeded');
    expect(store.countUnfinished()).toBe(1);
    const add = () =>
      store.submit(
        { conversationId: conv.id, prompt: 'x', lane: 'short', agentId: 'main', maxAttempts: 1 },
        2,
      );
    add();
    expect(add).toThrow(/the queue is full: 2 tasks are unfinished \(limit 2\)/);
    expect(store.listByConversation(conv.id)).toHaveLength(3);
  });

  it('rolls back a whole atomic block when a submit in it is refused', () => {
    expect(() =>
      store.atomically(() => {
        const conv = store.conversations.create('doomed');
        return store.submit(
          { conversationId: conv.id, prompt: 'x', lane: 'short', agentId: 'main', maxAttempts: 1 },
          0,
        );
      }),
    ).toThrow(/queue is full/);
    expect(store.conversations.list()).toEqual([]);
  });

  it('sweeps finished tasks older than the cut-off and nothing else', () => {
    let clock = 1_000;
    store = new TaskStore(db, () => clock);
    const conv = store.conversations.create('c');
    const old = submit(conv.id);
    const waiting = submit(conv.id);
    store.claimNext();
    store.transition(old.id, 'succeeded');
    clock = 10_000;
    const fresh = submit(conv.id);
    store.claimNext();
    store.claimNext();
    store.transition(fresh.id, 'failed');
    expect(store.sweepFinished(5_000)).toBe(1);
    expect(store.get(old.id)).toBeUndefined();
    expect(store.get(waiting.id)?.state).toBe('running');
    expect(store.get(fresh.id)?.state).toBe('failed');
  });

  it('hands out interactive tasks before short ones before long ones', () => {
    const conv = store.conversations.create('c');
    const mk = (lane: 'interactive' | 'short' | 'long') =>
      store.submit({
        conversationId: conv.id,
        prompt: lane,
        lane,
        agentId: 'main',
        maxAttempts: 1,
      });
    mk('long');
    mk('short');
    mk('interactive');
    expect([store.claimNext(), store.claimNext(), store.claimNext()].map((c) => c?.lane)).toEqual([
      'interactive',
      'short',
      'long',
    ]);
  });

  it('lists conversations most recently used first, with their tasks in order', () => {
    let clock = 1000;
    store = new TaskStore(db, () => clock++);
    const c1 = store.conversations.create('one');
    const c2 = store.conversations.create('two');
    const t1 = submit(c1.id, 'x');
    const t2 = submit(c1.id, 'y');
    expect(store.conversations.list().map((c) => c.id)).toEqual([c1.id, c2.id]);
    expect(store.listByConversation(c1.id).map((t) => t.id)).toEqual([t1.id, t2.id]);
  });
});
