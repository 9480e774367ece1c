import type { Job, WorkerToMain } from '../shared/worker-protocol.ts';
import { UpstreamError } from './upstream-error.ts';

interface Pending {
  key: string;
  resolve: () => void;
}

/**
 * The worker's side of the shared rate limiter: before each upstream call it asks main for a
 * slot (`acquire`) and waits for `granted`; an abort while waiting ends the wait at once.
 */
export class GrantGate {
  private readonly send: (message: WorkerToMain) => void;
  private readonly pending = new Map<string, Pending>();
  private nextCallId = 0;

  constructor(send: (message: WorkerToMain) => void) {
    this.send = send;
  }

  /** Resolves with the call id once main grants it; rejects with `aborted` on abort. */
  acquire(job: Job, signal: AbortSignal): Promise<number> {
    const callId = this.nextCallId++;
    const key = keyOf(job.taskId, job.attempt, callId);
    return new Promise<number>((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(key);
        reject(
          new UpstreamError({
            code: 'aborted',
            message: 'aborted while waiting for the rate limit',
            retryable: false,
          }),
        );
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(key, {
        key,
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve(callId);
        },
      });
      this.send({ type: 'acquire', taskId: job.taskId, attempt: job.attempt, callId });
    });
  }

  /** Main's grant; false when nobody waits for it (aborted meanwhile). */
  granted(taskId: string, attempt: number, callId: number): boolean {
    const key = keyOf(taskId, attempt, callId);
    const entry = this.pending.get(key);
    if (!entry) return false;
    this.pending.delete(key);
    entry.resolve();
    return true;
  }
}

function keyOf(taskId: string, attempt: number, callId: number): string {
  return `${taskId}#${attempt}#${callId}`;
}
