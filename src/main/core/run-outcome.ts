import type { TaskError, TaskState } from '../../shared/task.ts';
import { retryDelayMs } from './backoff.ts';
import type { CoreSettings } from './settings.ts';
import type { TaskStore, TransitionPatch } from './task-store.ts';
import type { JobRef } from './worker-pool.ts';

/** Where a run leads, decided while the facts are at hand; written now or later (issue 7). */
export interface RunOutcome {
  to: TaskState;
  patch: TransitionPatch;
}

export interface Failure {
  error: TaskError;
  retryable: boolean;
  retryAfterMs: number | null;
}

/** A retryable failure with attempts left goes back in line after a jittered back-off. */
export function failureOutcome(
  store: TaskStore,
  settings: CoreSettings,
  job: JobRef,
  { error, retryable, retryAfterMs }: Failure,
  random?: () => number,
): RunOutcome {
  if (error.code === 'unauthorized') {
    // The token is wrong for every task alike: wait (the budget holds dispatch) instead of
    // spending attempts; the reason stays on the task for the user to read.
    return { to: 'queued', patch: { error } };
  }
  if (retryable && store.attemptsLeft(job.taskId, 1)) {
    const { retryBaseMs, retryCapMs } = settings;
    const delay = retryAfterMs ?? retryDelayMs(job.attempt, random, retryBaseMs, retryCapMs);
    return { to: 'queued', patch: { error, notBefore: Date.now() + delay, countFailure: true } };
  }
  const timedOut = error.code === 'timeout' || error.code === 'stall_timeout';
  return { to: timedOut ? 'timed_out' : 'failed', patch: { error, countFailure: true } };
}
