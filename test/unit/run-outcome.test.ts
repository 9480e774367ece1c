import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '../../src/main/core/database.ts';
import { failureOutcome } from '../../src/main/core/run-outcome.ts';
import { defaultSettings } from '../../src/main/core/settings.ts';
import { TaskStore } from '../../src/main/core/task-store.ts';
import type { TaskError } from '../../src/shared/task.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/** Issues 12 and 13: which failures spend a task's attempts, and how long it may wait. */
describe('how a failed run goes on', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  let store: TaskStore;
  const settings = defaultSettings({
    waitCaps: {
      gatewayMs: { interactive: 60_000, short: 60_000, long: 600_000 },
      rateLimitMs: 140_000,
    },
  });

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    dir = tempDir();
    db = openDatabase(`${dir.path}/t.sqlite`);
    store = new TaskStore(db);
  });
  afterEach(() => {
    vi.useRealTimers();
    db.close();
    dir.cleanup();
  });

  /** A task claimed, failed as given, applied; returns the task after it. */
  function runAndFail(taskId: string, error: TaskError, outage = false) {
    const claimed = store.claimNext();
    if (!claimed) throw new Error('nothing to claim');
    const job = { taskId, attempt: claimed.attempt };
    const { to, patch } = failureOutcome(store, settings, job, {
      error,
      retryable: true,
      retryAfterMs: null,
      outage,
    });
    store.transition(taskId, to, patch, { state: 'running', attempt: claimed.attempt });
    return store.get(taskId)!;
  }

  const submit = (lane: 'interactive' | 'long' = 'interactive') =>
    store.submit({
      conversationId: store.conversations.create('c').id,
      prompt: 'hi',
      lane,
      agentId: 'main',
      maxAttempts: 3,
    });

  it('waits out an absent gateway without spending attempts, then fails at the lane cap', () => {
    const task = submit();
    const away: TaskError = { code: 'gateway_unreachable', message: 'connection refused at x' };
    for (let i = 0; i < 10; i++) {
      expect(runAndFail(task.id, away, true)).toMatchObject({ state: 'queued', failures: 0 });
      vi.advanceTimersByTime(5_000);
    }
    vi.advanceTimersByTime(15_000); // 65 s since it first found the gateway away
    const failed = runAndFail(task.id, away, true);
    expect(failed).toMatchObject({ state: 'failed', failures: 0 });
    expect(failed.error).toEqual({
      code: 'gateway_unreachable',
      message: expect.stringMatching(
        /^the gateway at http:\/\/127\.0\.0\.1:18790 did not answer for 1 min \(connection refused at x\); no attempt was spent on it\./,
      ),
    });
  });

  it('starts counting the gateway wait again once the gateway has answered', () => {
    const task = submit();
    const away: TaskError = { code: 'gateway_unreachable', message: 'refused' };
    runAndFail(task.id, away, true);
    vi.advanceTimersByTime(50_000);
    // A real answer in between (a 500 here): the gateway was there.
    runAndFail(task.id, { code: 'upstream_error', message: 'internal error' });
    vi.advanceTimersByTime(120_000);
    runAndFail(task.id, away, true);
    vi.advanceTimersByTime(50_000);
    expect(runAndFail(task.id, away, true)).toMatchObject({ state: 'queued', failures: 1 });
  });

  it("waits out the provider's rate limit without spending attempts, up to its total cap", () => {
    const task = submit();
    const limited: TaskError = { code: 'rate_limited', message: 'rate limit exceeded' };
    // Each run spends 50 s inside OpenClaw's own retries before the limit comes back.
    const once = () => {
      const claimed = store.claimNext()!;
      vi.advanceTimersByTime(50_000);
      const { to, patch } = failureOutcome(
        store,
        settings,
        { taskId: task.id, attempt: claimed.attempt },
        {
          error: limited,
          retryable: true,
          retryAfterMs: null,
        },
      );
      store.transition(task.id, to, patch, { state: 'running', attempt: claimed.attempt });
      return store.get(task.id)!;
    };
    expect(once()).toMatchObject({ state: 'queued', failures: 0 });
    vi.advanceTimersByTime(30_000); // the budget's pause: counted when it is claimed again
    expect(once()).toMatchObject({ state: 'queued', failures: 0 });
    const failed = once(); // 50 + 30 + 50 + 50 = 180 s > 140 s
    expect(failed).toMatchObject({ state: 'failed', failures: 0 });
    expect(failed.error?.message).toMatch(
      /^rate-limited by the model provider for 3 min in total \(limit 2 min, Settings\)/,
    );
  });

  it('counts worker crashes apart from failures and names them when they end the task', () => {
    const task = submit();
    const crash: TaskError = {
      code: 'worker_crashed',
      message: 'worker exited (code null, signal SIGKILL)',
    };
    expect(runAndFail(task.id, crash)).toMatchObject({ state: 'queued', failures: 0 });
    expect(runAndFail(task.id, crash)).toMatchObject({ state: 'queued', failures: 0 });
    const failed = runAndFail(task.id, crash);
    expect(failed).toMatchObject({ state: 'failed', failures: 0 });
    expect(failed.error).toEqual({
      code: 'worker_crashed',
      message:
        'the worker running this task crashed 3 times; the last time: worker exited (code null, signal SIGKILL)',
    });
    // A user's retry gives the crashes back too.
    store.transition(task.id, 'queued', { resetFailures: true });
    expect(runAndFail(task.id, crash)).toMatchObject({ state: 'queued' });
  });

  it('still spends attempts on answers that say this request failed', () => {
    const task = submit();
    const bad: TaskError = { code: 'upstream_error', message: 'internal error' };
    expect(runAndFail(task.id, bad)).toMatchObject({ state: 'queued', failures: 1 });
    vi.advanceTimersByTime(120_000);
    expect(runAndFail(task.id, bad)).toMatchObject({ state: 'queued', failures: 2 });
    vi.advanceTimersByTime(120_000);
    expect(runAndFail(task.id, bad)).toMatchObject({ state: 'failed', failures: 3 });
  });
});
