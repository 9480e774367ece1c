import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskView } from '../../src/shared/task.ts';
import { ScriptedCore, tick, until } from '../helpers/scripted-core.ts';

describe('core with scripted workers', () => {
  let c: ScriptedCore;
  const workers = () => c.workers;
  const events = () => c.events;
  const send = (text: string, conversationId?: string) => c.send(text, conversationId);
  const history = (conversationId: string): Promise<TaskView[]> =>
    c.call('chat.history', { conversationId });

  beforeEach(() => {
    c = new ScriptedCore();
  });
  afterEach(() => c.close());

  it('answers a send with a queued task before any worker runs it', async () => {
    const { task, conversation } = await send('hello there');
    expect(task.state).toBe('queued');
    expect(conversation.id).toBe(task.conversationId);
    expect(events().map((e) => e.type)).toEqual(['conversation', 'task']);
  });

  it('runs a task on a worker once it is ready, with the session key of its conversation', async () => {
    const { task, conversation } = await send('hello');
    const worker = await until(() => workers()[0], 'a worker to start');
    expect(worker.received).toEqual([]); // not before it said ready
    worker.emit({ type: 'ready', pid: 1 });
    const job = await until(() => worker.lastRun(), 'a run message');
    expect(job).toMatchObject({
      taskId: task.id,
      attempt: 1,
      text: 'hello',
      sessionKey: `clawdesk:${conversation.id}`,
      gateway: { url: 'http://127.0.0.1:1', token: 'secret-token', agentId: 'main' },
    });
    worker.emit({ type: 'delta', taskId: task.id, attempt: 1, text: 'Hel' });
    worker.emit({ type: 'delta', taskId: task.id, attempt: 1, text: 'lo!' });
    expect((await history(conversation.id))[0]?.output).toBe('Hello!'); // live, before a checkpoint
    worker.emit({
      type: 'succeeded',
      taskId: task.id,
      attempt: 1,
      usage: { totalTokens: 3 },
      finishReason: 'stop',
    });
    await tick();
    const [done] = await history(conversation.id);
    expect(done).toMatchObject({ state: 'succeeded', output: 'Hello!', attempts: 1 });
    // A run's first text comes as a whole snapshot (it may replace a cut run's text), the
    // rest as deltas after it.
    const firstText = events().find((e) => e.type === 'task' && e.task.output === 'Hel');
    expect(firstText).toBeDefined();
    const deltas = events().filter((e) => e.type === 'delta');
    expect(deltas.map((d) => d.type === 'delta' && [d.offset, d.text])).toEqual([[3, 'lo!']]);
  });

  it('says which earlier message of its conversation a queued message waits for', async () => {
    const first = await send('first');
    const second = await send('second', first.conversation.id);
    const worker = await until(() => workers()[0], 'a worker');
    worker.emit({ type: 'ready', pid: 1 });
    expect((await until(() => worker.lastRun(), 'a run')).text).toBe('first');
    const slots = await c.call('queue.positions', { taskIds: [second.task.id] });
    expect(slots).toEqual([
      expect.objectContaining({ taskId: second.task.id, afterTaskId: first.task.id, turnAhead: 1 }),
    ]);
  });

  it('ignores messages for a job the worker does not hold, and malformed ones', async () => {
    const { task, conversation } = await send('x');
    const worker = await until(() => workers()[0], 'a worker');
    worker.emit({ type: 'ready', pid: 1 });
    await until(() => worker.lastRun(), 'a run');
    worker.emit({
      type: 'succeeded',
      taskId: task.id,
      attempt: 7,
      usage: null,
      finishReason: null,
    });
    worker.emit({
      type: 'succeeded',
      taskId: 'other',
      attempt: 1,
      usage: null,
      finishReason: null,
    });
    worker.emit({ type: 'nonsense', taskId: task.id });
    await tick();
    expect((await history(conversation.id))[0]?.state).toBe('running');
  });

  it('retries a retryable failure on a new attempt, then records the final failure once', async () => {
    const { task, conversation } = await send('x');
    const worker = await until(() => workers()[0], 'a worker');
    worker.emit({ type: 'ready', pid: 1 });
    await until(() => worker.lastRun(), 'first run');
    const error = {
      code: 'gateway_unreachable' as const,
      message: 'connection refused at http://127.0.0.1:1',
    };
    worker.emit({
      type: 'failed',
      taskId: task.id,
      attempt: 1,
      error,
      retryable: true,
      status: null,
    });
    const queued = (await history(conversation.id))[0];
    expect(queued).toMatchObject({ state: 'queued', error }); // the reason shows while it waits
    const second = await until(
      () => (worker.lastRun()?.attempt === 2 ? worker.lastRun() : undefined),
      'second run',
    );
    worker.emit({
      type: 'failed',
      taskId: task.id,
      attempt: second.attempt,
      error,
      retryable: true,
      status: null,
    });
    await tick();
    expect((await history(conversation.id))[0]).toMatchObject({
      state: 'failed',
      attempts: 2,
      error,
    });
    worker.emit({
      type: 'succeeded',
      taskId: task.id,
      attempt: 2,
      usage: null,
      finishReason: null,
    });
    await tick();
    expect((await history(conversation.id))[0]?.state).toBe('failed');
  });

  it('keeps tasks waiting on a refused token, saying why, and holds dispatch', async () => {
    const { task, conversation } = await send('x');
    const worker = await until(() => workers()[0], 'a worker');
    worker.emit({ type: 'ready', pid: 1 });
    await until(() => worker.lastRun(), 'a run');
    // The real exchange: a slot for the call, the call refused, the slot given back.
    worker.emit({ type: 'acquire', taskId: task.id, attempt: 1, callId: 0 });
    await until(() => worker.received.find((m) => m.type === 'granted'), 'the grant');
    const outcome = { kind: 'auth_error' as const };
    worker.emit({ type: 'release', taskId: task.id, attempt: 1, callId: 0, outcome });
    const error = {
      code: 'unauthorized' as const,
      message: 'gateway rejected the token (HTTP 401)',
    };
    worker.emit({
      type: 'failed',
      taskId: task.id,
      attempt: 1,
      error,
      retryable: false,
      status: 401,
    });
    await tick();
    expect((await history(conversation.id))[0]).toMatchObject({
      state: 'queued',
      attempts: 1,
      error,
    });
    const status = await c.call('upstream.status', {});
    expect(status.auth.state).toBe('rejected');
    expect(status.auth.retryAt).toBeGreaterThan(Date.now() + c.settings.authRetryMs / 2);
    expect(worker.received.filter((m) => m.type === 'run')).toHaveLength(1);
  });

  it('gives the task of a crashed worker to a new worker as a new attempt', async () => {
    const { task, conversation } = await send('x');
    const first = await until(() => workers()[0], 'a worker');
    first.emit({ type: 'ready', pid: 1 });
    await until(() => first.lastRun(), 'a run');
    first.emit({ type: 'delta', taskId: task.id, attempt: 1, text: 'partial' });
    first.exit(null, 'SIGKILL');
    const second = await until(() => workers()[1], 'a replacement worker');
    second.emit({ type: 'ready', pid: 2 });
    const job = await until(() => second.lastRun(), 'the retried run');
    expect(job.attempt).toBe(2);
    second.emit({ type: 'delta', taskId: task.id, attempt: 2, text: 'whole' });
    second.emit({
      type: 'succeeded',
      taskId: task.id,
      attempt: 2,
      usage: null,
      finishReason: 'stop',
    });
    await tick();
    expect((await history(conversation.id))[0]).toMatchObject({
      state: 'succeeded',
      output: 'whole',
      attempts: 2,
    });
  });

  it('after a restart, re-queues what was running and keeps what finished', async () => {
    const a = await send('first');
    const worker = await until(() => workers()[0], 'a worker');
    worker.emit({ type: 'ready', pid: 1 });
    await until(() => worker.lastRun(), 'a run');
    worker.emit({
      type: 'succeeded',
      taskId: a.task.id,
      attempt: 1,
      usage: null,
      finishReason: 'stop',
    });
    const b = await send('second', a.conversation.id);
    await until(() => (worker.lastRun()?.taskId === b.task.id ? true : undefined), 'second run');
    worker.emit({ type: 'delta', taskId: b.task.id, attempt: 1, text: 'half' });
    await c.core.close();
    c.start();
    const tasks = await history(a.conversation.id);
    expect(tasks.map((t) => [t.prompt, t.state])).toEqual([
      ['first', 'succeeded'],
      ['second', 'queued'],
    ]);
    expect(tasks[1]?.attempts).toBe(1);
  });

  it('refuses bad input with a message naming it, and stores nothing', async () => {
    const empty = await c.core.dispatch('chat.send', { text: '   ' });
    expect(empty).toMatchObject({
      ok: false,
      error: { code: 'invalid_params', message: expect.stringContaining('message is empty') },
    });
    const unknown = await c.core.dispatch('chat.explode', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    const extra = await c.core.dispatch('chat.send', { text: 'x', sneaky: 1 });
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    const missing = await c.core.dispatch('chat.send', { text: 'x', conversationId: 'nope' });
    expect(missing).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: expect.stringContaining('nope') },
    });
    const list = await c.core.dispatch('conversations.list', {});
    expect(list).toEqual({ ok: true, result: [] });
  });
});
