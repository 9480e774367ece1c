/**
 * The units of a rolling window that are still spent: when each call started, oldest first.
 * A unit comes back `windowMs` after it was spent, so any interval of `windowMs` holds at most
 * as many starts as there are units. A fixed window that refills all at once would not.
 */
export class SpentUnits {
  private readonly times: number[] = [];

  /** Units spent and not yet back: the starts of the last window. */
  get count(): number {
    return this.times.length;
  }

  /** Spend times, oldest first (a copy). */
  list(): number[] {
    return [...this.times];
  }

  spend(at: number): void {
    // Clocks can step back; keep the list sorted so the oldest unit is always first.
    let i = this.times.length;
    while (i > 0 && (this.times[i - 1] ?? 0) > at) i--;
    this.times.splice(i, 0, at);
  }

  /** Re-dates one unit spent at `from` to `to`; false when none is (it came back already). */
  move(from: number, to: number): boolean {
    const i = this.times.indexOf(from);
    if (i < 0) return false;
    this.times.splice(i, 1);
    this.spend(to);
    return true;
  }

  /** Takes out the units whose window has passed at `now`; returns how many. */
  takeReturned(now: number, windowMs: number): number {
    let n = 0;
    while (n < this.times.length && (this.times[n] ?? 0) + windowMs <= now) n++;
    this.times.splice(0, n);
    return n;
  }

  /** When the oldest spent unit comes back, or null when none is spent. */
  nextReturnAt(windowMs: number): number | null {
    const oldest = this.times[0];
    return oldest === undefined ? null : oldest + windowMs;
  }
}

export interface EtaInput {
  now: number;
  perWindow: number;
  windowMs: number;
  /** Spend times of the units not yet back, oldest first. */
  spent: readonly number[];
  pausedUntil: number | null;
}

/**
 * Rough wait (ms) before the `position`-th next start (1 = the next one) could happen, counting
 * only the window and a pause. Each future start takes the earliest unit free at that moment:
 * a free unit now, then the spent ones as they come back, then the units those future starts
 * spend themselves, `windowMs` later. Concurrency is ignored (how long calls run is unknown), so
 * with the window not full this says "now" even when every slot is busy, and a future 429
 * cannot be foreseen: it is a lower bound, good for "starts in about 50 s".
 */
export function etaMs(input: EtaInput, position: number): number {
  const { now, perWindow, windowMs, spent, pausedUntil } = input;
  if (perWindow <= 0) return Number.POSITIVE_INFINITY;
  const notBefore = Math.max(now, pausedUntil ?? now);
  const n = Math.max(1, Math.floor(position));
  // Units in the order they become free: `perWindow - spent` free now, then the spent ones as
  // they come back. A window shrunk below what is spent owes units first: those returns only
  // pay the debt. Past the first `perWindow` starts, each start uses the unit spent by the
  // start `perWindow` places earlier, one window later: start(k) = start(k - perWindow) + W.
  const owed = Math.max(0, spent.length - perWindow);
  const freeAt: number[] = [];
  for (let i = spent.length; i < perWindow; i++) freeAt.push(now);
  for (const at of spent.slice(owed)) freeAt.push(at + windowMs);
  const cycles = Math.floor((n - 1) / perWindow);
  const first = freeAt[(n - 1) % perWindow] ?? now;
  const start = Math.max(notBefore, first) + cycles * windowMs;
  return Math.max(0, start - now);
}
