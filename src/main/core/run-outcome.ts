import type { TaskError, TaskState } from '../../shared/task.ts';
import { retryDelayMs } from './backoff.ts';
import { originOf } from './gateway-health.ts';
import { gatewayGaveUp } from './gateway-waits.ts';
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
  /** The gateway was away, or went away under the run (issue 12): waited out, no attempt. */
  outage?: boolean;
}

/**
 * How a failed run goes on. Attempts are spent only by answers that say this request itself
 * failed (issue 12): a refused token, an absent gateway and the provider's rate limit are waited
 * out (each with its own cap), a dead worker counts apart (issue 13); the rest goes back in line
 * after a jittered back-off while attempts are left.
 */
export function failureOutcome(
  store: TaskStore,
  settings: CoreSettings,
  job: JobRef,
  failure: Failure,
  random?: () => number,
): RunOutcome {
  const { error, retryable, retryAfterMs } = failure;
  // The token is wrong for every task alike: wait (the budget holds dispatch) instead of
  // spending attempts; the reason stays on the task for the user to read.
  if (error.code === 'unauthorized') return { to: 'queued', patch: { error } };
  if (failure.outage) return outage(store, settings, job, error);
  if (error.code === 'rate_limited') return rateLimited(store, settings, job, error);
  if (error.code === 'worker_crashed') return crashed(store, settings, job, error);
  if (retryable && store.attemptsLeft(job.taskId, 1)) {
    const { retryBaseMs, retryCapMs } = settings;
    const delay = retryAfterMs ?? retryDelayMs(job.attempt, random, retryBaseMs, retryCapMs);
    return { to: 'queued', patch: { error, notBefore: Date.now() + delay, countFailure: true } };
  }
  const timedOut = error.code === 'timeout' || error.code === 'stall_timeout';
  return { to: timedOut ? 'timed_out' : 'failed', patch: { error, countFailure: true } };
}

/**
 * The gateway is away: back in line, no attempt spent, the health probe holding dispatch until
 * it answers again — unless this task has waited for it longer than its lane's cap.
 */
function outage(
  store: TaskStore,
  settings: CoreSettings,
  job: JobRef,
  error: TaskError,
): RunOutcome {
  const now = Date.now();
  const since = store.runs.outageSince(job.taskId) ?? now;
  const lane = store.get(job.taskId)?.lane ?? 'interactive';
  const cap = settings.waitCaps.gatewayMs[lane];
  if (now - since < cap) return { to: 'queued', patch: { error, outageSince: since } };
  const message = gatewayGaveUp(originOf(settings.gateway.url), cap, error.message);
  return { to: 'failed', patch: { error: { code: 'gateway_unreachable', message } } };
}

/**
 * The provider's rate limit: the limiter pauses everyone; this task waits in line without
 * spending an attempt until its rate-limit waiting (OpenClaw's own retries included) passes
 * the cap.
 */
function rateLimited(
  store: TaskStore,
  settings: CoreSettings,
  job: JobRef,
  error: TaskError,
): RunOutcome {
  const startedAt = store.get(job.taskId)?.startedAt ?? Date.now();
  const spent = Math.max(0, Date.now() - startedAt);
  const total = store.runs.rateWaitMs(job.taskId) + spent;
  const cap = settings.waitCaps.rateLimitMs;
  if (total < cap) return { to: 'queued', patch: { error, addRateWaitMs: spent } };
  const message =
    `rate-limited by the model provider for ${minutes(total)} in total (limit ` +
    `${minutes(cap)}, Settings); the last answer: ${error.message}`;
  return {
    to: 'failed',
    patch: { error: { code: 'rate_limited', message }, addRateWaitMs: spent },
  };
}

/** Its worker died: tried again at once, until it has taken down `maxCrashes` workers. */
function crashed(
  store: TaskStore,
  settings: CoreSettings,
  job: JobRef,
  error: TaskError,
): RunOutcome {
  const crashes = store.runs.crashes(job.taskId) + 1;
  if (crashes < settings.maxCrashes) {
    return { to: 'queued', patch: { error, countCrash: true } };
  }
  const message = `the worker running this task crashed ${crashes} times; the last time: ${error.message}`;
  return { to: 'failed', patch: { error: { code: 'worker_crashed', message }, countCrash: true } };
}

function minutes(ms: number): string {
  return `${Math.max(1, Math.round(ms / 60_000))} min`;
}
