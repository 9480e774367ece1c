/**
 * `chat.history` in pages: a long conversation opens with its latest tasks, and older ones come
 * a page at a time (`before` = the oldest task held). Without `limit` it stays the whole
 * conversation, which export relies on.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/main/core/database.ts';
import { TaskStore } from '../../src/main/core/task-store.ts';
import type { TaskView } from '../../src/shared/task.ts';
import { ScriptedCore, until } from '../helpers/scripted-core.ts';

describe('chat.history pages', () => {
  let c: ScriptedCore;
  let conversationId: string;
  /** The tasks sent, oldest first: prompts m01 … m25. */
  let sent: TaskView[];
  const prompts = (tasks: TaskView[]) => tasks.map((t) => t.prompt);
  const page = (params: { limit?: number; before?: string }) =>
    c.call('chat.history', { conversationId, ...params });
  const range = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => `m${String(from + i).padStart(2, '0')}`);

  beforeEach(async () => {
    c = new ScriptedCore();
    const first = await c.send('m01');
    conversationId = first.conversation.id;
    sent = [first.task];
    for (let i = 2; i <= 25; i++) {
      sent.push((await c.send(`m${String(i).padStart(2, '0')}`, conversationId)).task);
    }
  });
  afterEach(() => c.close());

  it('gives the latest tasks, then each page before the oldest held, oldest first', async () => {
    const latest = await page({ limit: 10 });
    expect(prompts(latest)).toEqual(range(16, 25));
    const middle = await page({ limit: 10, before: latest[0]!.id });
    expect(prompts(middle)).toEqual(range(6, 15));
    // The start: a page shorter than the limit is how a client knows there is no more.
    const start = await page({ limit: 10, before: middle[0]!.id });
    expect(prompts(start)).toEqual(range(1, 5));
    expect(await page({ limit: 10, before: start[0]!.id })).toEqual([]);
  });

  it('stays the whole conversation without a limit, and a limit beyond it is the whole too', async () => {
    const whole = await page({});
    expect(whole.map((t) => t.id)).toEqual(sent.map((t) => t.id));
    expect(await page({ limit: 1000 })).toEqual(whole);
    expect(await page({ limit: 25 })).toEqual(whole);
    expect(prompts(await page({ limit: 1 }))).toEqual(['m25']);
    // `before` alone: everything older than that task.
    expect(prompts(await page({ before: sent[3]!.id }))).toEqual(range(1, 3));
  });

  it('a page holds the same views as the whole history', async () => {
    const whole = await page({});
    const latest = await page({ limit: 7 });
    expect(latest).toEqual(whole.slice(-7));
    expect(await page({ limit: 7, before: latest[0]!.id })).toEqual(whole.slice(-14, -7));
  });

  it('refuses a `before` of another conversation or of no task, naming it', async () => {
    const other = await c.send('elsewhere');
    const foreign = await c.core.dispatch('chat.history', {
      conversationId,
      limit: 10,
      before: other.task.id,
    });
    expect(foreign).toEqual({
      ok: false,
      error: {
        code: 'invalid_params',
        message:
          `chat.history: before: task ${other.task.id} is not in conversation ${conversationId}; ` +
          `it belongs to conversation ${other.conversation.id}`,
      },
    });
    const unknown = await c.core.dispatch('chat.history', {
      conversationId,
      limit: 10,
      before: '01NOSUCHTASK',
    });
    expect(unknown).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_params',
        message: expect.stringContaining('task 01NOSUCHTASK is not in conversation'),
      },
    });
  });

  it('refuses a limit outside 1..1000 by the contract, naming the field', async () => {
    for (const limit of [0, 1001, 2.5]) {
      const outcome = await c.core.dispatch('chat.history', { conversationId, limit });
      expect(outcome).toMatchObject({
        ok: false,
        error: { code: 'invalid_params', message: expect.stringContaining('limit') },
      });
    }
    const missing = await c.core.dispatch('chat.history', { conversationId: 'nope', limit: 5 });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('merges what only memory holds of a running task into the page that has it', async () => {
    const worker = await c.readyWorker();
    // One worker: the oldest task runs first.
    const run = await until(() => worker.lastRun(), 'a run');
    expect(run.taskId).toBe(sent[0]!.id);
    worker.emit({ type: 'delta', taskId: run.taskId, attempt: 1, text: 'Hel' });
    worker.emit({ type: 'delta', taskId: run.taskId, attempt: 1, text: 'lo!' });
    const oldest = await page({ limit: 1, before: sent[1]!.id });
    // Not checkpointed yet: the text comes from the scheduler's memory, not the row.
    expect(oldest).toMatchObject([{ id: run.taskId, state: 'running', output: 'Hello!' }]);
    const [latest] = await page({ limit: 1 });
    expect(latest).toMatchObject({ prompt: 'm25', state: 'queued', output: '' });
  });
});

describe('the page query', () => {
  let db: Db;
  let store: TaskStore;
  const statements: string[] = [];

  beforeEach(() => {
    db = openDatabase(':memory:');
    // Record every statement the store prepares, to ask SQLite how it would run them.
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => (statements.push(sql), prepare(sql))) as typeof db.prepare;
    store = new TaskStore(db);
  });
  afterEach(() => db.close());

  it('walks the conversation index, without sorting or scanning the table', () => {
    const { id } = store.conversations.create('long one');
    const submit = () =>
      store.submit({
        conversationId: id,
        prompt: 'x',
        lane: 'interactive',
        agentId: 'main',
        maxAttempts: 1,
      });
    const tasks = Array.from({ length: 5 }, submit);
    statements.length = 0;
    expect(store.queries.historyPage(id, { limit: 2 }).map((t) => t.id)).toEqual(
      tasks.slice(3).map((t) => t.id),
    );
    expect(store.queries.historyPage(id, { limit: 2, before: tasks[3]!.id })).toHaveLength(2);
    const pages = statements.filter((sql) => sql.includes('conversation_id = ?'));
    expect(pages).toHaveLength(2);
    for (const sql of pages) {
      const args = sql.includes('id < ?') ? [id, tasks[3]!.id, 2] : [id, 2];
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[])
        .map((row) => row.detail)
        .join('\n');
      expect(plan).toMatch(/SEARCH tasks USING INDEX tasks_by_conversation \(conversation_id=\?/);
      expect(plan).not.toMatch(/TEMP B-TREE|SCAN tasks/);
    }
  });
});
