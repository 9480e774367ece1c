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
    const conv = store.createConversation('c');
    const task = submit(conv.id, 'hello');
    const other = new Database(dbPath(), { readonly: true });
    const row = other
      .prepare('SELECT state, prompt, session_key FROM tasks WHERE id = ?')
      .get(task.id);
    other.close();
    expect(row).toEqual({ state: 'queued', prompt: 'hello', session_key: `clawdesk:${conv.id}` });
  });

  it('claims tasks oldest first and counts the attempt', () => {
    const conv = store.createConversation('c');
    const a = submit(conv.id, 'a');
    const b = submit(conv.id, 'b');
    expect(store.claimNext()).toMatchObject({ id: a.id, attempt: 1, prompt: 'a' });
    expect(store.claimNext()).toMatchObject({ id: b.id, attempt: 1 });
    expect(store.claimNext()).toBeUndefined();
    expect(store.get(a.id)?.state).toBe('running');
  });

  it('keeps a backed-off task out of line until its time', () => {
    const conv = store.createConversation('c');
    const a = submit(conv.id);
    store.claimNext();
    store.transition(a.id, 'queued', { notBefore: Date.now() + 60_000 });
    expect(store.claimNext()).toBeUndefined();
    expect(store.nextWakeAt()).toBeGreaterThan(Date.now());
  });

  it('refuses an illegal transition and leaves the task as it was', () => {
    const conv = store.createConversation('c');
    const a = submit(conv.id);
    expect(() => store.transition(a.id, 'succeeded')).toThrow(IllegalTransitionError);
    expect(store.get(a.id)?.state).toBe('queued');
  });

  it('ignores a result from a stale attempt', () => {
    const conv = store.createConversation('c');
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

  it('marks running tasks interrupted at start-up', () => {
    const conv = store.createConversation('c');
    const a = submit(conv.id);
    const b = submit(conv.id);
    store.claimNext();
    expect(store.markRunningInterrupted()).toEqual([a.id]);
    expect(store.get(a.id)?.state).toBe('interrupted');
    expect(store.get(b.id)?.state).toBe('queued');
    expect(store.attemptsLeft(a.id)).toBe(true);
  });

  it('lists conversations most recently used first, with their tasks in order', () => {
    let clock = 1000;
    store = new TaskStore(db, () => clock++);
    const c1 = store.createConversation('one');
    const c2 = store.createConversation('two');
    const t1 = submit(c1.id, 'x');
    const t2 = submit(c1.id, 'y');
    expect(store.listConversations().map((c) => c.id)).toEqual([c1.id, c2.id]);
    expect(store.listByConversation(c1.id).map((t) => t.id)).toEqual([t1.id, t2.id]);
  });
});
