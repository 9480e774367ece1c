import type { SharedBudgetStatus } from '../../shared/upstream.ts';
import type { CallOutcome } from '../../shared/worker-protocol.ts';

export type { BudgetInstall, SharedBudgetStatus } from '../../shared/upstream.ts';

/** The limiter's settings and the shapes it hands out; the limiter is in rate-limiter.ts. */
export interface RateLimitSettings {
  /** Starts allowed in any rolling window. */
  perWindow: number;
  windowMs: number;
  /** Calls in flight at once. */
  maxConcurrent: number;
}

/** The free NVIDIA tier behind the gateway: about 40 requests a minute, 5 at once. */
export const DEFAULT_RATE_LIMIT: RateLimitSettings = {
  perWindow: 40,
  windowMs: 60_000,
  maxConcurrent: 5,
};

export interface RateLimiterOptions {
  /** For the full jitter of the 429 back-off; tests pass a fixed one. */
  random?: () => number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Shortest pause after the provider's rate limit came through OpenClaw. */
  providerPauseMs?: number;
  /** How many recent start times `startTimes()` keeps. */
  startLogSize?: number;
}

/** Permission for one upstream call; release it exactly when the call has ended. */
export interface Grant {
  readonly startedAt: number;
  /**
   * The call's first byte came back: the provider had it by now. Its window unit then comes
   * back `windowMs` after this moment instead of after the grant, since a gateway in between
   * (OpenClaw runs an agent's calls one after another) may hold a request for a while before
   * the provider sees it. Once; a call that never reports it keeps the grant's time.
   */
  reachedUpstream(at?: number): void;
  /** Frees the concurrency slot (the window unit stays spent). Later calls do nothing. */
  release(outcome: CallOutcome): void;
}

export interface RateLimiterStatus {
  /** Window units spent and not yet back: the starts of the last `windowMs`. */
  startsInWindow: number;
  perWindow: number;
  windowMs: number;
  running: number;
  maxConcurrent: number;
  /** `acquire` calls not granted yet. */
  waiting: number;
  /** Epoch ms the 429 pause ends, or null when not paused. */
  pausedUntil: number | null;
  /** `provider`: the model provider's limit after OpenClaw's retries; null when not paused. */
  pauseCause: 'provider' | 'gateway' | null;
  /** Set when the budget is shared with other installs through Redis (issue 15). */
  shared?: SharedBudgetStatus;
}

/**
 * The upstream budget as the gate, the core and the settings use it: the local limiter
 * (rate-limiter.ts) or the one shared through Redis with its local fallback (budget-switch.ts).
 */
export interface Limiter {
  acquire(priority: number, signal?: AbortSignal): Promise<Grant>;
  canStartNow(pending?: number): boolean;
  status(): RateLimiterStatus;
  etaMs(position: number): number;
  onChange(listener: () => void): () => void;
  restoreSpent(startTimes: readonly number[]): void;
  updateSettings(patch: Partial<RateLimitSettings>): void;
  stop(): void;
}

export function checkSettings(s: RateLimitSettings): RateLimitSettings {
  for (const [key, value] of Object.entries(s)) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${key} must be ≥ 1: ${value}`);
  }
  return s;
}
