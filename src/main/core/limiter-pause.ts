import type { CallOutcome } from '../../shared/worker-protocol.ts';
import { providerPauseMs, retryDelayMs } from './backoff.ts';

const MAX_TIMER_MS = 2_147_483_647;

export interface PausePolicy {
  random: () => number;
  backoffBaseMs: number;
  backoffCapMs: number;
  /** Shortest pause after the provider's rate limit came through OpenClaw (issue 12). */
  providerPauseMs: number;
}

/** The pause policy from a limiter's options, with the defaults. */
export function pausePolicy(o: {
  random?: () => number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  providerPauseMs?: number;
}): PausePolicy {
  return {
    random: o.random ?? Math.random,
    backoffBaseMs: o.backoffBaseMs ?? 1000,
    backoffCapMs: o.backoffCapMs ?? 60_000,
    providerPauseMs: o.providerPauseMs ?? 60_000,
  };
}

/**
 * The whole budget's pause after a 429: nobody starts until it ends. `onStart` and `onEnd`
 * let the limiter close and reopen its reservoir; waiters are woken when it ends.
 */
export class LimiterPause {
  until: number | null = null;
  /** `provider`: the model provider's limit after OpenClaw's own retries. */
  cause: 'provider' | 'gateway' | null = null;
  /** When the latest pause began: a 429 from a call started before it is the same burst. */
  private began = Number.NEGATIVE_INFINITY;
  private consecutive = 0;
  private timer: NodeJS.Timeout | undefined;
  private waiters: Array<() => void> = [];
  private readonly hooks: { onStart(): void; onEnd(): void; changed(): void };

  constructor(hooks: { onStart(): void; onEnd(): void; changed(): void }) {
    this.hooks = hooks;
  }

  /** Resolves when the current pause ends (or the limiter stops). */
  ended(): Promise<void> {
    return new Promise<void>((wake) => this.waiters.push(wake));
  }

  /** A call ended: a success resets the back-off, a 429 pauses everyone. */
  onOutcome(outcome: CallOutcome, startedAt: number, policy: PausePolicy): void {
    if (outcome.kind === 'ok') this.consecutive = 0;
    if (outcome.kind !== 'rate_limited') return;
    const now = Date.now();
    // Calls in flight when a 429 paused everyone often get one too: that is the same burst,
    // not a further consecutive 429, so it must not double the back-off again.
    const sameBurst = startedAt <= this.began;
    if (!sameBurst) this.consecutive++;
    const n = this.consecutive;
    // Through OpenClaw the provider's limit arrives after minutes of OpenClaw's own retries:
    // asking again within seconds only starts those minutes over, so everyone waits longer.
    if (outcome.provider) {
      if (!sameBurst) this.extend(now + providerPauseMs(n, policy.providerPauseMs, policy.random));
      if (this.until !== null) this.cause = 'provider';
    } else if (outcome.retryAfterMs !== null) this.extend(now + outcome.retryAfterMs);
    else if (!sameBurst) {
      this.extend(now + retryDelayMs(n, policy.random, policy.backoffBaseMs, policy.backoffCapMs));
    }
  }

  /** A pause decided elsewhere (the shared budget's): nobody starts here before `until`. */
  hold(until: number, cause: 'provider' | 'gateway'): void {
    this.extend(until);
    // The provider's own limit is worth naming whichever pause is longer.
    if (this.until !== null && (this.until === until || cause === 'provider')) this.cause = cause;
  }

  stop(): void {
    clearTimeout(this.timer);
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** No new grants to anyone until `until`; a later 429 can only lengthen the pause. */
  private extend(until: number): void {
    const now = Date.now();
    if (until <= now || (this.until !== null && until <= this.until)) return;
    if (this.until === null) {
      this.began = now;
      this.cause = 'gateway';
      this.hooks.onStart();
    }
    this.until = until;
    this.arm();
    this.hooks.changed();
  }

  // setTimeout fires at once past 2^31-1 ms; a longer Retry-After is re-armed by resume().
  private arm(): void {
    clearTimeout(this.timer);
    const wait = Math.min((this.until ?? 0) - Date.now(), MAX_TIMER_MS);
    this.timer = setTimeout(() => this.resume(), Math.max(0, wait));
    this.timer.unref();
  }

  private resume(): void {
    if ((this.until ?? 0) > Date.now()) return this.arm();
    this.until = null;
    this.cause = null;
    this.timer = undefined;
    this.hooks.onEnd();
    for (const wake of this.waiters.splice(0)) wake();
    this.hooks.changed();
  }
}
