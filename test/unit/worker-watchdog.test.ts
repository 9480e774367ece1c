import { afterEach, describe, expect, it } from 'vitest';
import { ScriptedCore, until } from '../helpers/scripted-core.ts';

/** The pool's watchdog, with scripted workers and short limits. */
describe('worker watchdog', () => {
  let c: ScriptedCore;
  afterEach(() => c.close());

  async function runningOn(worker: Awaited<ReturnType<ScriptedCore['readyWorker']>>) {
    return until(() => worker.lastRun(), 'a run');
  }

  it('kills a worker that stops heartbeating and runs its task on a new one', async () => {
    c = new ScriptedCore({ heartbeatTimeoutMs: 200 });
    const { task, conversation } = await c.send('x');
    const hung = await c.readyWorker(0);
    await runningOn(hung);
    // …and from now on it says nothing.
    await until(() => (hung.exited ? true : undefined), 'the hung worker to be killed');
    const fresh = await c.readyWorker(1);
    const job = await runningOn(fresh);
    expect(job).toMatchObject({ taskId: task.id, attempt: 2 });
    const view = await c.task(conversation.id);
    expect(view?.error?.message).toMatch(/hung: no heartbeat/);
  });

  it('keeps a heartbeating worker however long its task runs', async () => {
    c = new ScriptedCore({ heartbeatTimeoutMs: 200 });
    await c.send('x');
    const worker = await c.readyWorker(0);
    await runningOn(worker);
    for (let i = 0; i < 12; i++) {
      worker.emit({ type: 'heartbeat', rssBytes: 50e6 });
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(worker.exited).toBe(false);
  });

  it('kills a worker over its memory limit', async () => {
    c = new ScriptedCore({ workerMemoryLimitBytes: 100 * 1024 * 1024 });
    const { conversation } = await c.send('x');
    const worker = await c.readyWorker(0);
    await runningOn(worker);
    worker.emit({ type: 'heartbeat', rssBytes: 300 * 1024 * 1024 });
    await until(() => (worker.exited ? true : undefined), 'the kill');
    await c.readyWorker(1);
    const view = await c.task(conversation.id);
    expect(view?.error?.message).toMatch(/over its memory limit \(300 MB > 100 MB\)/);
  });

  it('kills a worker that ignores an abort, and the task stays paused', async () => {
    c = new ScriptedCore({ abortGraceMs: 100 });
    const { task, conversation } = await c.send('x');
    const worker = await c.readyWorker(0);
    await runningOn(worker);
    await c.call('tasks.pause', { taskId: task.id });
    await until(() => (worker.exited ? true : undefined), 'the kill');
    expect(await c.task(conversation.id)).toMatchObject({ state: 'paused', attempts: 1 });
  });
});
