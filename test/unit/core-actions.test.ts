import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScriptedCore, tick, until } from '../helpers/scripted-core.ts';

describe('task actions', () => {
  let c: ScriptedCore;
  beforeEach(() => {
    c = new ScriptedCore();
  });
  afterEach(() => c.close());

  async function running() {
    const sent = await c.send('work');
    const worker = await c.readyWorker();
    await until(() => worker.lastRun(), 'a run');
    worker.emit({ type: 'delta', taskId: sent.task.id, attempt: 1, text: 'partial ' });
    return { ...sent, worker };
  }

  it('pauses a running task: aborts it upstream, keeps its text, ignores its late reports', async () => {
    const { task, conversation, worker } = await running();
    const paused = await c.call('tasks.pause', { taskId: task.id });
    expect(paused).toMatchObject({ state: 'paused', output: 'partial ' });
    expect(worker.received.at(-1)).toEqual({ type: 'abort', taskId: task.id, attempt: 1 });
    worker.emit({ type: 'delta', taskId: task.id, attempt: 1, text: 'late' });
    worker.reportAborted(task.id);
    await tick();
    expect(await c.task(conversation.id)).toMatchObject({
      state: 'paused',
      output: 'partial ',
      error: null,
    });
  });

  it('resumes a paused task as a new run on the freed worker', async () => {
    const { task, worker } = await running();
    await c.call('tasks.pause', { taskId: task.id });
    worker.reportAborted(task.id);
    expect(await c.call('tasks.resume', { taskId: task.id })).toMatchObject({ state: 'queued' });
    const job = await until(
      () => (worker.lastRun()?.attempt === 2 ? worker.lastRun() : undefined),
      'run 2',
    );
    expect(job.taskId).toBe(task.id);
  });

  it('cancels a queued task without it ever reaching a worker', async () => {
    const first = await running();
    const second = await c.send('queued one', first.conversation.id);
    expect(await c.call('tasks.cancel', { taskId: second.task.id })).toMatchObject({
      state: 'cancelled',
    });
    first.worker.emit({
      type: 'succeeded',
      taskId: first.task.id,
      attempt: 1,
      usage: null,
      finishReason: 'stop',
    });
    await tick();
    const runs = first.worker.received.filter((m) => m.type === 'run');
    expect(runs).toHaveLength(1);
  });

  it('retries a failed task with its attempts given back', async () => {
    const { task, conversation, worker } = await running();
    const error = { code: 'bad_response' as const, message: 'HTTP 400' };
    worker.emit({
      type: 'failed',
      taskId: task.id,
      attempt: 1,
      error,
      retryable: false,
      status: 400,
    });
    await tick();
    expect(await c.task(conversation.id)).toMatchObject({ state: 'failed', error });
    expect(await c.call('tasks.retry', { taskId: task.id })).toMatchObject({
      state: 'queued',
      error: null,
    });
    await until(() => (worker.lastRun()?.attempt === 2 ? true : undefined), 'run 2');
  });

  it('refuses what makes no sense, saying why, and changes nothing', async () => {
    const { task, conversation, worker } = await running();
    worker.emit({
      type: 'succeeded',
      taskId: task.id,
      attempt: 1,
      usage: null,
      finishReason: 'stop',
    });
    await tick();
    for (const action of ['pause', 'resume', 'cancel', 'retry'] as const) {
      const outcome = await c.core.dispatch(`tasks.${action}`, { taskId: task.id });
      expect(outcome).toEqual({
        ok: false,
        error: { code: 'refused', message: `cannot ${action} a succeeded task` },
      });
    }
    expect(await c.core.dispatch('tasks.resume', { taskId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect((await c.task(conversation.id))?.state).toBe('succeeded');
  });
});

describe('lanes and limits', () => {
  let c: ScriptedCore;
  afterEach(() => c.close());

  it("gives each lane's timeouts to the worker", async () => {
    c = new ScriptedCore();
    const { task } = await c.send('background job', undefined, 'long');
    expect(task.lane).toBe('long');
    const worker = await c.readyWorker();
    const job = await until(() => worker.lastRun(), 'a run');
    expect(job.timeouts).toEqual(c.settings.lanes.long);
    expect(c.settings.lanes.long.totalMs).toBe(24 * 3600_000);
    expect(c.settings.lanes.short.totalMs).toBe(5 * 60_000);
  });

  it('refuses a submit when the queue is full, naming the limit, and keeps what it had', async () => {
    c = new ScriptedCore({ maxUnfinished: 2 });
    const a = await c.send('one');
    await c.send('two', a.conversation.id);
    const refused = await c.core.dispatch('chat.send', { text: 'three' });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'refused', message: expect.stringMatching(/queue is full.*limit 2/) },
    });
    expect(await c.call('conversations.list', {})).toHaveLength(1);
    expect(await c.call('chat.history', { conversationId: a.conversation.id })).toHaveLength(2);
  });

  it('refuses an input over the size limit, naming both sizes', async () => {
    c = new ScriptedCore({ maxInputBytes: 1024 * 1024 });
    const refused = await c.core.dispatch('chat.send', { text: 'é'.repeat(600_000) });
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'refused',
        message: "the message is 1.1 MB; the limit for a task's input is 1.0 MB",
      },
    });
    expect(await c.call('conversations.list', {})).toEqual([]);
  });

  it('sweeps finished tasks after the retention period, keeping unfinished ones', async () => {
    c = new ScriptedCore({ retentionMs: 1000 });
    const done = await c.send('done');
    const worker = await c.readyWorker();
    await until(() => worker.lastRun(), 'a run');
    worker.emit({
      type: 'succeeded',
      taskId: done.task.id,
      attempt: 1,
      usage: null,
      finishReason: 'stop',
    });
    await tick();
    await c.send('waiting', done.conversation.id);
    await c.core.close();
    c.start(() => Date.now() + 5000);
    const left = await c.call('chat.history', { conversationId: done.conversation.id });
    expect(left.map((t) => t.prompt)).toEqual(['waiting']);
  });
});

describe('response cache', () => {
  let c: ScriptedCore;
  afterEach(() => c.close());

  async function answered(text: string, conversationId?: string) {
    const sent = await c.send(text, conversationId);
    const worker = await c.readyWorker();
    await until(() => (worker.lastRun()?.taskId === sent.task.id ? true : undefined), 'its run');
    worker.emit({ type: 'delta', taskId: sent.task.id, attempt: 1, text: `answer to ${text}` });
    worker.emit({
      type: 'succeeded',
      taskId: sent.task.id,
      attempt: 1,
      usage: null,
      finishReason: 'stop',
    });
    await tick();
    return { sent, worker };
  }

  it('is off by default: asking again runs again', async () => {
    c = new ScriptedCore();
    const { sent, worker } = await answered('what time is it');
    const again = await c.send('what time is it', sent.conversation.id);
    expect(again.task.state).toBe('queued');
    await until(
      () => (worker.lastRun()?.taskId === again.task.id ? true : undefined),
      'a second run',
    );
  });

  it('when on, answers an identical message of the same session from the cache', async () => {
    c = new ScriptedCore({ responseCache: { enabled: true, ttlMs: 60_000 } });
    const { sent, worker } = await answered('capital of France');
    const again = await c.send('capital of France', sent.conversation.id);
    expect(again.task).toMatchObject({ state: 'succeeded', output: 'answer to capital of France' });
    const other = await c.send('capital of France'); // another conversation: another session
    expect(other.task.state).toBe('queued');
    expect(
      worker.received.filter((m) => m.type === 'run').map((m) => m.type === 'run' && m.job.taskId),
    ).not.toContain(again.task.id);
  });
});
