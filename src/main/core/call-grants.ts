import type { CallOutcome, MainToWorker } from '../../shared/worker-protocol.ts';

/** A slot of the shared upstream budget, held for one call. */
export interface Grant {
  /** The call's first byte came back (see RateLimiter's Grant). */
  reachedUpstream(): void;
  release(outcome: CallOutcome): void;
}

/** The shared budget as the scheduler needs it (rate limiter, breaker, auth block together). */
export interface UpstreamBudget {
  /**
   * 0 when one more run may be handed to a worker now, counting `pending` runs that will ask
   * for a slot any moment; otherwise how long to wait before asking again (ms).
   */
  dispatchDelayMs(pending: number): number;
  acquire(priority: number, signal: AbortSignal): Promise<Grant>;
  stop(): void;
}

interface CallEntry {
  abort: AbortController;
  grant: Grant | null;
}

const keyOf = (taskId: string, attempt: number, callId: number) => `${taskId}#${attempt}#${callId}`;

/**
 * Main's side of the acquire → granted → release exchange with workers: every upstream call
 * of every worker goes through the one budget. A run that ends (or a worker that dies) gives
 * back whatever it still held or waited for, so no slot leaks.
 */
export class CallGrants {
  private readonly calls = new Map<string, CallEntry>();
  private readonly budget: UpstreamBudget;
  private readonly log: (line: string) => void;

  constructor(budget: UpstreamBudget, log: (line: string) => void) {
    this.budget = budget;
    this.log = log;
  }

  /** Waits for a slot, then tells the worker (through `grant`) its call may start. */
  acquire(
    ref: { taskId: string; attempt: number; callId: number },
    priority: number,
    send: (message: MainToWorker) => void,
  ): void {
    const key = keyOf(ref.taskId, ref.attempt, ref.callId);
    if (this.calls.has(key)) return; // a duplicate acquire: the first one stands
    const entry: CallEntry = { abort: new AbortController(), grant: null };
    this.calls.set(key, entry);
    this.budget.acquire(priority, entry.abort.signal).then(
      (grant) => {
        if (this.calls.get(key) !== entry) return grant.release({ kind: 'aborted' });
        entry.grant = grant;
        send({ type: 'granted', taskId: ref.taskId, attempt: ref.attempt, callId: ref.callId });
      },
      () => this.calls.delete(key), // aborted while waiting: nothing was taken
    );
  }

  release(ref: { taskId: string; attempt: number; callId: number }, outcome: CallOutcome): void {
    const key = keyOf(ref.taskId, ref.attempt, ref.callId);
    const entry = this.calls.get(key);
    if (!entry?.grant) {
      this.log(`release of ${key} ignored: no slot held`);
      return;
    }
    this.calls.delete(key);
    entry.grant.release(outcome);
  }

  /** The run ended or its worker died: drop its waits, give back what it held. */
  dropRun(taskId: string, attempt: number): void {
    const prefix = `${taskId}#${attempt}#`;
    for (const [key, entry] of this.calls) {
      if (!key.startsWith(prefix)) continue;
      this.calls.delete(key);
      if (entry.grant) entry.grant.release({ kind: 'aborted' });
      else entry.abort.abort();
    }
  }

  /** Text came back for the run: whatever call it holds has reached upstream. */
  reached(taskId: string, attempt: number): void {
    const prefix = `${taskId}#${attempt}#`;
    for (const [key, entry] of this.calls)
      if (key.startsWith(prefix)) entry.grant?.reachedUpstream();
  }

  /** Calls asked for and not yet granted. */
  waiting(): number {
    let n = 0;
    for (const entry of this.calls.values()) if (!entry.grant) n++;
    return n;
  }
}
