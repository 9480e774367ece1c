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
    const a = submit(store.conversations.create('c1').id, 'a');
    const b = submit(store.conversations.create('c2').id, 'b');
    expect(store.claimNext()).toMatchObject({ id: a.id, attempt: 1, prompt: 'a' });
    expect(store.claimNext()).toMatchObject({ id: b.id, attempt: 1 });
    expect(store.claimNext()).toBeUndefined();
    expect(store.get(a.id)?.state).toBe('running');
  });

  it("runs one turn per conversation at a time, in the order sent (OpenClaw's one run per session)", () => {
    let clock = 1_000;
    store = new TaskStore(db, () => clock);
    const conv = store.conversations.create('c');
    const other = store.conversations.create('o');
    const a = submit(conv.id, 'a');
    const b = submit(conv.id, 'b');
    const c = submit(conv.id, 'c');
    const x = submit(other.id, 'x');
    expect(store.claimNext()?.id).toBe(a.id);
    // b waits for a; another conversation does not.
    expect(store.claimNext()?.id).toBe(x.id);
    expect(store.claimNext()).toBeUndefined();
    expect(store.hasRunnable()).toBe(false);
    expect(store.queue.queuePositions([b.id, c.id])).toEqual([
      { taskId: b.id, position: 1, afterTaskId: a.id, turnAhead: 1 },
      { taskId: c.id, position: 2, afterTaskId: b.id, turnAhead: 2 },
    ]);
    // A failure that goes back in line with a back-off keeps its place: b still waits.
    store.transition(a.id, 'queued', { notBefore: clock + 60_000 });
    expect(store.claimNext()).toBeUndefined();
    clock += 60_000;
    expect(store.claimNext()?.id).toBe(a.id);
    store.transition(a.id, 'succeeded');
    expect(store.claimNext()?.id).toBe(b.id);
    // A paused message does not hold the line; resumed, it waits for the one running now.
    store.transition(b.id, 'paused');
    expect(store.claimNext()?.id).toBe(c.id);
    store.transition(b.id, 'queued');
    expect(store.claimNext()).toBeUndefined();
    store.transition(c.id, 'succeeded');
    expect(store.claimNext()?.id).toBe(b.id);
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

  it('interrupts running tasks without spending attempts: ClawDesk stopping is not their fault', () => {
    const conv = store.conversations.create('c');
    const a = submit(conv.id);
    const b = submit(conv.id);
    store.claimNext();
    expect(store.interruptRunning()).toEqual([a.id]);
    expect(store.get(a.id)?.state).toBe('interrupted');
    expect(store.get(b.id)?.state).toBe('queued');
    // Start-up after a crash, again and again (max attempts is 2 here): it always runs again.
    for (let crash = 0; crash < 5; crash++) {
      store.recoverInterrupted();
      expect(store.get(a.id)?.state).toBe('queued');
      expect(store.claimNext()?.id).toBe(a.id);
      store.interruptRunning();
    }
    store.recoverInterrupted();
    expect(store.get(a.id)).toMatchObject({ state: 'queued', failures: 0, attempts: 6 });
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
    const done = submit(store.conversations.create('d').id);
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
    expect(store.listByConversation(conv.id)).toHaveLength(2);
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
    const waiting = submit(store.conversations.create('w').id);
    store.claimNext();
    store.transition(old.id, 'succeeded');
    clock = 10_000;
    const fresh = submit(store.conversations.create('f').id);
    store.claimNext();
    store.claimNext();
    store.transition(fresh.id, 'failed');
    expect(store.sweepFinished(5_000)).toBe(1);
    expect(store.get(old.id)).toBeUndefined();
    expect(store.get(waiting.id)?.state).toBe('running');
    expect(store.get(fresh.id)?.state).toBe('failed');
  });

  it('hands out interactive tasks before short ones before long ones', () => {
    const mk = (lane: 'interactive' | 'short' | 'long') =>
      store.submit({
        conversationId: store.conversations.create(lane).id,
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
