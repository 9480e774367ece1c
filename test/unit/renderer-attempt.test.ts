import { describe, expect, it } from 'vitest';
import { attemptNumber } from '../../src/renderer/src/store/attempt.ts';
import { ScriptedCore, until } from '../helpers/scripted-core.ts';

describe('which attempt a task is on', () => {
  it('counts failures, not runs: a pause and resume is not a second attempt', async () => {
    const c = new ScriptedCore();
    try {
      const { task } = await c.send('x');
      const worker = await c.readyWorker();
      await until(() => worker.lastRun(), 'run 1');
      await c.call('tasks.pause', { taskId: task.id });
      worker.reportAborted(task.id);
      await c.call('tasks.resume', { taskId: task.id });
      await until(() => (worker.lastRun()?.attempt === 2 ? true : undefined), 'run 2');
      const view = await c.call('tasks.get', { taskId: task.id });
      expect(view).toMatchObject({ attempts: 2, failures: 0 });
      expect(attemptNumber(view)).toBe(1);
      const row = (await c.call('tasks.list', {})).tasks[0];
      expect(row && attemptNumber(row)).toBe(1);
    } finally {
      await c.close();
    }
  });

  it('falls back to runs when main sends no failures', () => {
    expect(attemptNumber({ attempts: 2 })).toBe(2);
  });
});
