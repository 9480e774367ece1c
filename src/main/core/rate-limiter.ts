import Bottleneck from 'bottleneck';
import type { CallOutcome } from '../../shared/worker-protocol.ts';
import type {
  Grant,
  Limiter,
  RateLimiterOptions,
  RateLimiterStatus,
  RateLimitSettings,
} from './rate-limit-types.ts';
import { checkSettings, DEFAULT_RATE_LIMIT } from './rate-limit-types.ts';
import { LimiterPause, pausePolicy, type PausePolicy } from './limiter-pause.ts';
import { etaMs, SpentUnits } from './sliding-window.ts';

/** Taken from the reservoir while paused, so no unit coming back can let a job through. */
const PAUSE_OFFSET = 1_000_000_000;

const bottleneckPriority = (p: number) => Math.min(9, Math.max(0, Math.round(p) || 0));

/**
 * The one upstream budget every worker shares: at most `maxConcurrent` calls in flight, at most
 * `perWindow` starts in ANY interval of `windowMs`, lower priority numbers first, and a 429 pauses
 * everyone. Bottleneck keeps the priority queue, the concurrency cap and a reservoir of window
 * units; Bottleneck's own reservoir refresh is a fixed window that lets about twice the limit
 * through across a boundary (bottleneck#153), so instead each unit is given back with
 * `incrementReservoir(1)` exactly `windowMs` after the call that spent it started. Every change
 * to the reservoir is relative, so it never races Bottleneck's asynchronous bookkeeping.
 */
export class RateLimiter implements Limiter {
  private settings: RateLimitSettings;
  /** How long a 429 pauses everyone (see LimiterPause). */
  private readonly policy: PausePolicy;
  private readonly startLogSize: number;
  private readonly bottleneck: Bottleneck;
  private readonly spent = new SpentUnits();
  private readonly starts: number[] = [];
  private running = 0;
  private waiting = 0;
  private readonly pause = new LimiterPause({
    onStart: () => void this.bottleneck.incrementReservoir(-PAUSE_OFFSET),
    onEnd: () => void this.bottleneck.incrementReservoir(PAUSE_OFFSET),
    changed: () => this.changed(),
  });
  private returnTimer: NodeJS.Timeout | undefined;
  /** Rejecters of acquires not granted yet, and releasers of the Bottleneck jobs held. */
  private readonly pending = new Set<(error: unknown) => void>();
  private readonly held = new Set<() => void>();
  private readonly listeners = new Set<() => void>();
  private stopped = false;

  constructor(settings: RateLimitSettings = DEFAULT_RATE_LIMIT, options: RateLimiterOptions = {}) {
    this.settings = checkSettings({ ...settings });
    this.policy = pausePolicy(options);
    this.startLogSize = options.startLogSize ?? 1000;
    this.bottleneck = new Bottleneck({
      maxConcurrent: this.settings.maxConcurrent,
      reservoir: this.settings.perWindow,
    });
  }

  /**
   * Resolves when the call may start: a concurrency slot and a window unit are taken. Priority
   * 0 is the most urgent (0–9). Rejects with the signal's reason if it aborts first, and then
   * takes nothing; rejects when the limiter is stopped.
   */
  acquire(priority: number, signal?: AbortSignal): Promise<Grant> {
    if (this.stopped) return Promise.reject(new Error('rate limiter stopped'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Grant>((resolve, reject) => {
      let settled = false;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        this.waiting--;
        this.pending.delete(fail);
        signal?.removeEventListener('abort', onAbort);
        return true;
      };
      const fail = (error: unknown) => {
        if (!settle()) return;
        reject(error);
        this.changed();
      };
      const onAbort = () => fail(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.add(fail);
      this.waiting++;

      // Bottleneck has taken a slot and a unit when this runs; the slot is held until the
      // returned promise settles.
      const job = async (): Promise<void> => {
        // Started by Bottleneck just as a pause began: wait for its end before the grant.
        while (this.pause.until !== null && !settled && !this.stopped) await this.pause.ended();
        if (settled || this.stopped) {
          // Aborted while Bottleneck was handing it over: the unit was never used.
          if (!this.stopped) void this.bottleneck.incrementReservoir(1);
          return;
        }
        settle();
        let free!: () => void;
        const done = new Promise<void>((r) => (free = r));
        this.held.add(free);
        resolve(this.grant(free));
        await done;
      };
      // A job dropped by stop() was already rejected through `pending`.
      this.bottleneck.schedule({ priority: bottleneckPriority(priority) }, job).catch(() => {});
      this.changed();
    });
  }

  /** True when a call could start right now, counting `pending` calls about to ask first. */
  canStartNow(pending = 0): boolean {
    if (this.stopped || this.pause.until !== null) return false;
    const ahead = this.waiting + pending;
    const { perWindow, maxConcurrent } = this.settings;
    return this.running + ahead < maxConcurrent && this.spent.count + ahead < perWindow;
  }

  status(): RateLimiterStatus {
    return {
      startsInWindow: this.spent.count,
      perWindow: this.settings.perWindow,
      windowMs: this.settings.windowMs,
      running: this.running,
      maxConcurrent: this.settings.maxConcurrent,
      waiting: this.waiting,
      pausedUntil: this.pause.until,
      pauseCause: this.pause.cause,
    };
  }

  /**
   * Rough wait (ms) before the `position`-th next start (1 = the next) could happen, from the
   * window's spent units, when they come back, and the pause. A lower bound: it ignores
   * concurrency and future 429s (see `etaMs` in sliding-window.ts). `position` counts every
   * call that will start first, including the `status().waiting` ones already in here.
   */
  etaMs(position: number): number {
    const { perWindow, windowMs } = this.settings;
    const input = { now: Date.now(), perWindow, windowMs, pausedUntil: this.pause.until };
    return etaMs({ ...input, spent: this.spent.list() }, position);
  }

  /** Start times of the most recent grants, oldest first (for tests, bench and the UI). */
  startTimes(): number[] {
    return [...this.starts];
  }

  /** Called after any change `status()` or `canStartNow()` would show. Returns unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * After a restart: the calls started in the last window (read from the task store) still
   * count against it, or a crash loop would hand the provider a fresh budget each time.
   */
  restoreSpent(startTimes: readonly number[]): void {
    const since = Date.now() - this.settings.windowMs;
    const recent = startTimes.filter((t) => t > since);
    if (recent.length === 0 || this.stopped) return;
    for (const t of recent) this.spent.spend(t);
    void this.bottleneck.incrementReservoir(-recent.length);
    this.scheduleReturn();
    this.changed();
  }

  /** Takes effect at once; units already spent come back `windowMs` (the new one) after use. */
  updateSettings(patch: Partial<RateLimitSettings>): void {
    const before = this.settings;
    const after = checkSettings({ ...before, ...patch });
    this.settings = after;
    // Relative, so a unit Bottleneck is handing out right now is not counted twice; a window
    // shrunk below what is spent leaves the reservoir negative until enough units come back.
    const delta = after.perWindow - before.perWindow;
    if (delta !== 0) void this.bottleneck.incrementReservoir(delta);
    if (after.maxConcurrent !== before.maxConcurrent) {
      void this.bottleneck.updateSettings({ maxConcurrent: after.maxConcurrent });
    }
    if (after.windowMs !== before.windowMs) this.returnUnits();
    this.changed();
  }

  /**
   * A call granted elsewhere (the shared budget, before Redis went away) runs on: it holds one
   * of the slots here until the returned function is called, and spends no unit here (its
   * start is among the restored ones already). Adopted calls take the first free slots.
   */
  adopt(): () => void {
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    if (this.stopped) return end;
    // It runs already: counted at once, while its Bottleneck job waits for a slot to hold.
    this.running++;
    let over = false;
    const finish = () => {
      if (over) return;
      over = true;
      this.running--;
      end();
      this.changed();
    };
    const job = async (): Promise<void> => {
      void this.bottleneck.incrementReservoir(1); // Bottleneck took a unit: give it back
      this.held.add(finish);
      await ended;
      this.held.delete(finish);
    };
    this.bottleneck.schedule({ priority: 0 }, job).catch(() => {});
    this.changed();
    return finish;
  }

  /** A pause decided elsewhere (the shared budget's, when Redis went away) holds here too. */
  hold(until: number, cause: 'provider' | 'gateway'): void {
    if (!this.stopped) this.pause.hold(until, cause);
  }

  /** An adopted call ended: its 429, if any, pauses this budget as its own would. */
  noteOutcome(outcome: CallOutcome, startedAt: number): void {
    if (!this.stopped) this.pause.onOutcome(outcome, startedAt, this.policy);
  }

  /** Clears every timer so the process can exit; waiting acquires reject, grants are void. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.returnTimer);
    this.pause.stop();
    for (const fail of [...this.pending]) fail(new Error('rate limiter stopped'));
    for (const free of this.held) free();
    this.held.clear();
    this.bottleneck.stop({ dropWaitingJobs: true }).catch(() => {});
    this.listeners.clear();
  }

  private grant(free: () => void): Grant {
    const startedAt = Date.now();
    this.running++;
    this.spent.spend(startedAt);
    this.starts.push(startedAt);
    if (this.starts.length > this.startLogSize) this.starts.shift();
    if (this.returnTimer === undefined) this.scheduleReturn();
    let released = false;
    let reached = false;
    const reachedUpstream = (at = Date.now()) => {
      if (reached || this.stopped) return;
      reached = true;
      if (at > startedAt && this.spent.move(startedAt, at)) this.scheduleReturn();
    };
    const release = (outcome: CallOutcome) => {
      if (released || this.stopped) return;
      released = true;
      this.running--;
      this.held.delete(free);
      free();
      this.pause.onOutcome(outcome, startedAt, this.policy);
      this.changed();
    };
    this.changed();
    return { startedAt, reachedUpstream, release };
  }

  /** Gives back every unit whose window has passed, then waits for the next one. */
  private returnUnits(): void {
    const back = this.spent.takeReturned(Date.now(), this.settings.windowMs);
    if (back > 0) void this.bottleneck.incrementReservoir(back);
    this.scheduleReturn();
    if (back > 0) this.changed();
  }

  private scheduleReturn(): void {
    clearTimeout(this.returnTimer);
    this.returnTimer = undefined;
    const next = this.spent.nextReturnAt(this.settings.windowMs);
    if (next === null || this.stopped) return;
    // Timers may fire a little early against Date.now(); returnUnits then just waits again.
    this.returnTimer = setTimeout(() => this.returnUnits(), Math.max(0, next - Date.now()));
    this.returnTimer.unref();
  }

  private changed(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        // A broken listener must not leave a grant half made; report it like EventTarget does.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
