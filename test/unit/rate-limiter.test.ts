import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Grant, RateLimitSettings } from '../../src/main/core/rate-limit-types.ts';
import { RateLimiter } from '../../src/main/core/rate-limiter.ts';
import { etaMs } from '../../src/main/core/sliding-window.ts';
import { maxInWindow } from '../helpers/rolling-window.ts';
import { seededRandom } from '../helpers/seeded-random.ts';

const seeded = seededRandom;

interface Tracked {
  grant: Grant | null;
  at: number | null;
  error: unknown;
}

function track(p: Promise<Grant>): Tracked {
  const t: Tracked = { grant: null, at: null, error: null };
  p.then(
    (g) => {
      t.grant = g;
      t.at = Date.now();
    },
    (e: unknown) => (t.error = e),
  );
  return t;
}

const T0 = 1_700_000_000_000;
/** Bottleneck's bookkeeping runs on setTimeout(0) chains; a few fake ms let it settle. */
const settle = () => vi.advanceTimersByTimeAsync(20);
const ok = { kind: 'ok' } as const;

let limiter: RateLimiter;
const make = (s: Partial<RateLimitSettings>, random?: () => number) =>
  (limiter = new RateLimiter(
    { perWindow: 100, windowMs: 10_000, maxConcurrent: 100, ...s },
    { random: random ?? (() => 0.5), backoffBaseMs: 1000, backoffCapMs: 60_000 },
  ));

describe('RateLimiter (fake timers)', () => {
  beforeEach(() => vi.useFakeTimers({ now: T0 }));
  afterEach(() => {
    limiter.stop();
    vi.useRealTimers();
  });

  /** Random arrivals, priorities and call lengths, all on fake time. */
  async function simulate(seed: number, s: RateLimitSettings, calls: number) {
    const random = seeded(seed);
    make(s);
    const observed: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    let done = 0;
    const burstAt = [0, 1, 2].map(() => Math.floor(random() * 3 * s.windowMs));
    for (let i = 0; i < calls; i++) {
      // Bursts at a few moments (they hit window boundaries) mixed with scattered arrivals.
      const at = random() < 0.5 ? (burstAt[i % 3] ?? 0) : Math.floor(random() * 4 * s.windowMs);
      setTimeout(() => {
        void limiter.acquire(Math.floor(random() * 3)).then((g) => {
          observed.push(Date.now());
          maxInFlight = Math.max(maxInFlight, ++inFlight, limiter.status().running);
          setTimeout(
            () => {
              inFlight--;
              done++;
              g.release(ok);
            },
            Math.floor(random() * s.windowMs * 0.6),
          );
        });
      }, at);
    }
    for (let i = 0; i < 200 && done < calls; i++) await vi.advanceTimersByTimeAsync(s.windowMs);
    return { observed, maxInFlight, done, recorded: limiter.startTimes() };
  }

  for (const seed of [1, 2, 3, 42, 1234]) {
    it(`never lets more than perWindow starts into any rolling window (seed ${seed})`, async () => {
      const s = { perWindow: 5, windowMs: 400, maxConcurrent: 3 };
      const { observed, recorded, maxInFlight, done } = await simulate(seed, s, 60);
      expect(done).toBe(60);
      expect(recorded).toHaveLength(60);
      expect(maxInWindow(recorded, s.windowMs)).toBeLessThanOrEqual(s.perWindow);
      // What callers saw, too (fake time: the grant and the caller's moment are one ms).
      expect(maxInWindow(observed, s.windowMs)).toBeLessThanOrEqual(s.perWindow);
      // The window is not wasted either: somewhere it is full.
      expect(maxInWindow(recorded, s.windowMs)).toBe(s.perWindow);
      expect(maxInFlight).toBeLessThanOrEqual(s.maxConcurrent);
    });
  }

  it('uses the whole window at once, then gives each unit back one window after it was spent', async () => {
    make({ perWindow: 5, windowMs: 1000, maxConcurrent: 10 });
    const calls = Array.from({ length: 11 }, () => track(limiter.acquire(1)));
    await settle();
    const first = calls.slice(0, 5).map((c) => c.at);
    expect(first.every((at) => at !== null)).toBe(true);
    expect(calls.slice(5).every((c) => c.at === null)).toBe(true);
    const firstAt = Math.min(...(first as number[]));
    expect(Math.max(...(first as number[])) - firstAt).toBeLessThan(50);
    for (const c of calls) c.grant?.release(ok);
    // A fixed window would refill all five at a boundary; a sliding one waits a full window.
    await vi.advanceTimersByTimeAsync(firstAt + 1000 - Date.now() - 1);
    expect(calls.filter((c) => c.at !== null)).toHaveLength(5);
    await settle();
    const second = calls.slice(5, 10).map((c) => c.at ?? Number.NaN);
    expect(Math.min(...second)).toBeGreaterThanOrEqual(firstAt + 1000);
    expect(calls[10]?.at).toBeNull();
    expect(maxInWindow(limiter.startTimes(), 1000)).toBe(5);
  });

  it('keeps at most maxConcurrent grants out and frees a slot on release', async () => {
    make({ maxConcurrent: 2 });
    const calls = [0, 1, 2].map(() => track(limiter.acquire(1)));
    await settle();
    expect(calls.map((c) => c.grant !== null)).toEqual([true, true, false]);
    expect(limiter.status()).toMatchObject({ running: 2, waiting: 1 });
    expect(limiter.canStartNow()).toBe(false);
    calls[0]?.grant?.release(ok);
    await settle();
    expect(calls[2]?.grant).not.toBeNull();
    expect(limiter.status()).toMatchObject({ running: 2, waiting: 0, startsInWindow: 3 });
  });

  it('grants waiters by priority, lower number first, in arrival order within one', async () => {
    make({ maxConcurrent: 1 });
    const holder = track(limiter.acquire(0));
    await settle();
    const order: string[] = [];
    const grants = new Map<string, Grant>();
    const asks: Array<[string, number]> = [
      ['long-a', 2],
      ['short-a', 1],
      ['chat-a', 0],
      ['long-b', 2],
      ['chat-b', 0],
      ['short-b', 1],
      ['clamped-low', -3],
      ['clamped-high', 42],
    ];
    for (const [name, priority] of asks) {
      void limiter.acquire(priority).then((g) => {
        order.push(name);
        grants.set(name, g);
      });
    }
    await settle();
    holder.grant?.release(ok);
    for (let i = 0; i < asks.length; i++) {
      await settle();
      grants.get(order[order.length - 1] ?? '')?.release(ok);
    }
    await settle();
    expect(order).toEqual([
      'chat-a',
      'chat-b',
      'clamped-low',
      'short-a',
      'short-b',
      'long-a',
      'long-b',
      'clamped-high',
    ]);
  });

  it('pauses everyone until retryAfterMs after a 429 that gives one', async () => {
    make({});
    const first = track(limiter.acquire(0));
    const inFlight = track(limiter.acquire(0));
    await settle();
    const pausedAt = Date.now();
    first.grant?.release({ kind: 'rate_limited', retryAfterMs: 5000 });
    expect(limiter.status().pausedUntil).toBe(pausedAt + 5000);
    expect(limiter.canStartNow()).toBe(false);
    const waiters = [0, 1, 2].map((p) => track(limiter.acquire(p)));
    await vi.advanceTimersByTimeAsync(4990);
    expect(waiters.every((w) => w.at === null)).toBe(true);
    // A call from before the pause ending now changes nothing, and it frees its slot.
    inFlight.grant?.release(ok);
    await vi.advanceTimersByTimeAsync(40);
    expect(waiters.every((w) => w.at !== null && w.at >= pausedAt + 5000)).toBe(true);
    expect(limiter.status().pausedUntil).toBeNull();
    expect(limiter.startTimes().filter((t) => t > pausedAt && t < pausedAt + 5000)).toEqual([]);
  });

  it('grants nothing during a pause even to a call Bottleneck was already handing over', async () => {
    // Bottleneck's bookkeeping is a chain of setTimeout(0) steps: depending on how far an
    // acquire got when the 429 lands, its unit may already be taken. It must still wait.
    for (let lead = 0; lead < 4; lead++) {
      make({});
      const first = track(limiter.acquire(0));
      await settle();
      const next = track(limiter.acquire(0));
      await vi.advanceTimersByTimeAsync(lead);
      const pausedAt = Date.now();
      first.grant?.release({ kind: 'rate_limited', retryAfterMs: 1000 });
      await vi.advanceTimersByTimeAsync(2000);
      const at = next.at ?? Number.NaN;
      expect(
        at <= pausedAt || at >= pausedAt + 1000,
        `lead ${lead}: started at +${at - pausedAt}`,
      ).toBe(true);
      limiter.stop();
    }
  });

  it('backs off exponentially with full jitter over consecutive 429s, and resets after an ok', async () => {
    make({}, () => 0.5); // half of the ceiling: 500, 1000, 2000 ms
    const pauseAfter = async (outcome: Parameters<Grant['release']>[0]) => {
      const call = track(limiter.acquire(0));
      await vi.advanceTimersByTimeAsync(60_000); // past any earlier pause
      const now = Date.now();
      call.grant?.release(outcome);
      const until = limiter.status().pausedUntil;
      return until === null ? null : until - now;
    };
    expect(await pauseAfter({ kind: 'rate_limited', retryAfterMs: null })).toBe(500);
    expect(await pauseAfter({ kind: 'rate_limited', retryAfterMs: null })).toBe(1000);
    expect(await pauseAfter({ kind: 'rate_limited', retryAfterMs: null })).toBe(2000);
    expect(await pauseAfter({ kind: 'server_error' })).toBeNull(); // not the limiter's business
    expect(await pauseAfter({ kind: 'rate_limited', retryAfterMs: null })).toBe(4000);
    expect(await pauseAfter(ok)).toBeNull();
    expect(await pauseAfter({ kind: 'rate_limited', retryAfterMs: null })).toBe(500);
  });

  it('counts the 429s of calls already in flight as the same burst, not further back-off', async () => {
    make({}, () => 0.5);
    const calls = [0, 1, 2].map(() => track(limiter.acquire(0)));
    await settle();
    const now = Date.now();
    for (const c of calls) c.grant?.release({ kind: 'rate_limited', retryAfterMs: null });
    expect(limiter.status().pausedUntil).toBe(now + 500);
    // …and a pause never shrinks: a stale 429 with a shorter Retry-After leaves it alone.
    const late = track(limiter.acquire(0));
    await vi.advanceTimersByTimeAsync(600);
    expect(late.grant).not.toBeNull();
    late.grant?.release({ kind: 'rate_limited', retryAfterMs: 3000 });
    const until = limiter.status().pausedUntil;
    expect(until).toBe(Date.now() + 3000);
  });

  it("pauses everyone a minute or more after the provider's limit came through OpenClaw", async () => {
    make({}, () => 0); // no jitter
    const first = track(limiter.acquire(0));
    await settle();
    let now = Date.now();
    // An in-stream rate_limit_error: OpenClaw already retried for minutes. No Retry-After.
    first.grant?.release({ kind: 'rate_limited', retryAfterMs: null, provider: true });
    expect(limiter.status()).toMatchObject({ pausedUntil: now + 60_000, pauseCause: 'provider' });
    const second = track(limiter.acquire(0));
    await vi.advanceTimersByTimeAsync(59_000);
    expect(second.grant).toBeNull();
    await vi.advanceTimersByTimeAsync(1_100);
    expect(second.grant).not.toBeNull();
    // The next one in a row doubles the pause; a success starts over.
    now = Date.now();
    second.grant?.release({ kind: 'rate_limited', retryAfterMs: null, provider: true });
    expect(limiter.status().pausedUntil).toBe(now + 120_000);
    await vi.advanceTimersByTimeAsync(120_100);
    expect(limiter.status()).toMatchObject({ pausedUntil: null, pauseCause: null });
  });

  it('rejects an acquire whose signal aborts while waiting, and it takes nothing', async () => {
    make({ perWindow: 1, maxConcurrent: 1 });
    const holder = track(limiter.acquire(0));
    await settle();
    const ac = new AbortController();
    const aborted = track(limiter.acquire(0, ac.signal));
    await settle();
    expect(limiter.status().waiting).toBe(1);
    ac.abort(new Error('task cancelled'));
    await settle();
    expect(aborted.error).toEqual(new Error('task cancelled'));
    expect(limiter.status().waiting).toBe(0);
    holder.grant?.release(ok);
    await vi.advanceTimersByTimeAsync(10_000);
    const next = track(limiter.acquire(0));
    await settle();
    expect(next.grant).not.toBeNull();
    expect(limiter.startTimes()).toHaveLength(2);
    // An already aborted signal never queues.
    const pre = AbortSignal.abort(new Error('gone'));
    await expect(limiter.acquire(0, pre)).rejects.toThrow('gone');
  });

  it('gives the unit back when the abort lands while Bottleneck is handing it over', async () => {
    make({ perWindow: 1 });
    const ac = new AbortController();
    const p = limiter.acquire(0, ac.signal);
    ac.abort(); // before Bottleneck's asynchronous bookkeeping has run the job
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    await settle();
    const next = track(limiter.acquire(0));
    await settle();
    expect(next.grant).not.toBeNull(); // the only unit was not lost to the aborted call
    expect(limiter.status()).toMatchObject({ startsInWindow: 1, waiting: 0 });
  });

  it('ignores a second release of the same grant', async () => {
    make({ maxConcurrent: 1 });
    const a = track(limiter.acquire(0));
    await settle();
    a.grant?.release(ok);
    a.grant?.release({ kind: 'rate_limited', retryAfterMs: 9000 });
    expect(limiter.status()).toMatchObject({ running: 0, pausedUntil: null });
    const b = track(limiter.acquire(0));
    const c = track(limiter.acquire(0));
    await settle();
    expect([b.grant !== null, c.grant !== null]).toEqual([true, false]);
    a.grant?.release(ok);
    await settle();
    expect(c.grant).toBeNull();
    expect(limiter.status().running).toBe(1);
  });

  it('applies updateSettings at runtime: more units, more slots, a longer window', async () => {
    make({ perWindow: 2, windowMs: 1000, maxConcurrent: 5 });
    const calls = [0, 1, 2].map(() => track(limiter.acquire(0)));
    await settle();
    expect(calls[2]?.grant).toBeNull();
    limiter.updateSettings({ perWindow: 3 });
    await settle();
    expect(calls[2]?.grant).not.toBeNull();
    expect(limiter.status()).toMatchObject({ perWindow: 3, startsInWindow: 3 });

    limiter.updateSettings({ maxConcurrent: 3, perWindow: 10 });
    const blocked = track(limiter.acquire(0));
    await settle();
    expect(blocked.grant).toBeNull(); // three running, cap three
    limiter.updateSettings({ maxConcurrent: 4 });
    await settle();
    expect(blocked.grant).not.toBeNull();

    // A longer window keeps the spent units out longer.
    for (const c of [...calls, blocked]) c.grant?.release(ok);
    limiter.updateSettings({ perWindow: 4, windowMs: 3000 });
    const late = track(limiter.acquire(0));
    await vi.advanceTimersByTimeAsync(2000);
    expect(late.grant).toBeNull();
    expect(limiter.status().startsInWindow).toBe(4);
    await vi.advanceTimersByTimeAsync(1000);
    expect(late.grant).not.toBeNull();
  });

  it('owes units after a shrunk window instead of letting the old budget through', async () => {
    make({ perWindow: 3, windowMs: 1000 });
    const spent = [0, 1, 2].map(() => track(limiter.acquire(0)));
    await settle();
    for (const c of spent) c.grant?.release(ok);
    limiter.updateSettings({ perWindow: 1 });
    const more = [0, 1].map(() => track(limiter.acquire(0)));
    await vi.advanceTimersByTimeAsync(1000);
    expect(more.map((c) => c.grant !== null)).toEqual([true, false]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(more[1]?.grant).not.toBeNull();
    expect(maxInWindow(limiter.startTimes().slice(3), 1000)).toBe(1);
  });

  it('reports status, canStartNow and a sane etaMs', async () => {
    make({ perWindow: 4, windowMs: 60_000, maxConcurrent: 2 });
    let changes = 0;
    limiter.onChange(() => changes++);
    expect(limiter.canStartNow()).toBe(true);
    expect(limiter.canStartNow(2)).toBe(false); // two about to ask fill both slots
    expect(limiter.etaMs(1)).toBe(0);
    const calls = [0, 1, 2, 3].map(() => track(limiter.acquire(0)));
    for (let round = 0; round < 2; round++) {
      await settle();
      for (const c of calls) c.grant?.release(ok); // two slots: two rounds
    }
    const spentAt = limiter.startTimes()[0] ?? 0;
    expect(changes).toBeGreaterThan(0);
    expect(limiter.status()).toEqual({
      startsInWindow: 4,
      perWindow: 4,
      windowMs: 60_000,
      running: 0,
      maxConcurrent: 2,
      waiting: 0,
      pausedUntil: null,
      pauseCause: null,
    });
    expect(limiter.canStartNow()).toBe(false); // window spent, slots free
    await vi.advanceTimersByTimeAsync(10_000);
    const back = spentAt + 60_000 - Date.now();
    expect(Math.abs(limiter.etaMs(1) - back)).toBeLessThanOrEqual(10);
    // The 5th start takes the unit the 1st future start spends, one window after it.
    expect(limiter.etaMs(4)).toBeGreaterThanOrEqual(limiter.etaMs(1));
    expect(limiter.etaMs(5)).toBe(limiter.etaMs(1) + 60_000);
    expect(limiter.etaMs(9)).toBe(limiter.etaMs(1) + 120_000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(limiter.canStartNow()).toBe(true);
    expect(limiter.status().startsInWindow).toBe(0);
  });

  it('adopts a call granted elsewhere: it holds a slot at once and spends no unit', async () => {
    make({ perWindow: 2, maxConcurrent: 1 });
    const end = limiter.adopt();
    expect(limiter.status()).toMatchObject({ running: 1, startsInWindow: 0 });
    expect(limiter.canStartNow()).toBe(false);
    const next = track(limiter.acquire(0));
    await settle();
    expect(next.grant).toBeNull(); // the adopted call has the only slot
    end();
    end(); // a second end changes nothing
    await settle();
    expect(next.grant).not.toBeNull();
    expect(limiter.status()).toMatchObject({ running: 1, startsInWindow: 1 });
  });

  it('holds a pause decided elsewhere, naming its cause, and never shortens its own', async () => {
    make({});
    limiter.hold(Date.now() + 2000, 'provider');
    expect(limiter.status()).toMatchObject({
      pausedUntil: Date.now() + 2000,
      pauseCause: 'provider',
    });
    limiter.hold(Date.now() + 500, 'gateway');
    expect(limiter.status()).toMatchObject({
      pausedUntil: Date.now() + 2000,
      pauseCause: 'provider',
    });
    const waiter = track(limiter.acquire(0));
    await vi.advanceTimersByTimeAsync(1900);
    expect(waiter.grant).toBeNull();
    await vi.advanceTimersByTimeAsync(200);
    expect(waiter.grant).not.toBeNull();
  });

  it('stop() rejects waiters, refuses new acquires and leaves no timer behind', async () => {
    make({ perWindow: 1 });
    const held = track(limiter.acquire(0));
    const waiting = track(limiter.acquire(0));
    await settle();
    held.grant?.release({ kind: 'rate_limited', retryAfterMs: 30_000 });
    limiter.stop();
    await settle();
    expect(waiting.error).toBeInstanceOf(Error);
    await expect(limiter.acquire(0)).rejects.toThrow('stopped');
    await vi.advanceTimersByTimeAsync(100);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('etaMs (the estimate alone)', () => {
  const base = { now: 100_000, perWindow: 40, windowMs: 60_000, pausedUntil: null };

  it('is zero while units are free, then follows the returns and the units spent after', () => {
    const spent = Array.from({ length: 30 }, (_, i) => 50_000 + i * 1000);
    const input = { ...base, spent };
    expect(etaMs(input, 10)).toBe(0);
    expect(etaMs(input, 11)).toBe(50_000 + 60_000 - 100_000); // the oldest unit comes back
    expect(etaMs(input, 40)).toBe(50_000 + 29_000 + 60_000 - 100_000);
    expect(etaMs(input, 41)).toBe(60_000); // a unit spent now, one window later
    expect(etaMs(input, 51)).toBe(10_000 + 60_000);
  });

  it('reads "#37 starts in about 50 s" for a full window spent 10 s ago at 40/min', () => {
    const spent = Array.from({ length: 40 }, () => 90_000);
    expect(etaMs({ ...base, spent }, 37)).toBe(50_000);
  });

  it('waits out a pause and owes units after the window was shrunk', () => {
    expect(etaMs({ ...base, spent: [], pausedUntil: 105_000 }, 1)).toBe(5000);
    const shrunk = { ...base, perWindow: 2, windowMs: 1000, spent: [99_500, 99_600, 99_700] };
    expect(etaMs(shrunk, 1)).toBe(600); // the first return only pays the debt
    expect(etaMs(shrunk, 2)).toBe(700);
    expect(etaMs(shrunk, 3)).toBe(1600);
  });
});

describe('RateLimiter (real timers, compressed window)', () => {
  it('keeps the rolling-window invariant under real scheduling', async () => {
    const s = { perWindow: 5, windowMs: 300, maxConcurrent: 3 };
    const rl = new RateLimiter(s);
    const random = seeded(7);
    let inFlight = 0;
    let maxInFlight = 0;
    const calls = Array.from({ length: 20 }, async () => {
      await new Promise((r) => setTimeout(r, Math.floor(random() * 600)));
      const g = await rl.acquire(Math.floor(random() * 3));
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((r) => setTimeout(r, Math.floor(random() * 80)));
      inFlight--;
      g.release(ok);
    });
    await Promise.all(calls);
    rl.stop();
    // Only the invariant: how long it took depends on the machine.
    expect(rl.startTimes()).toHaveLength(20);
    expect(maxInWindow(rl.startTimes(), s.windowMs)).toBeLessThanOrEqual(s.perWindow);
    expect(maxInFlight).toBeLessThanOrEqual(s.maxConcurrent);
  });
});

describe('RateLimiter: a unit dated by when the call reached upstream', () => {
  it('comes back one window after the first byte, not after the grant', async () => {
    vi.useFakeTimers();
    const limiter = new RateLimiter({ perWindow: 1, windowMs: 1000, maxConcurrent: 5 });
    try {
      const granted = limiter.acquire(0);
      await vi.advanceTimersByTimeAsync(20); // Bottleneck hands over on timers
      const grant = await granted;
      await vi.advanceTimersByTimeAsync(380); // held in the gateway's own queue meanwhile
      grant.reachedUpstream();
      grant.release({ kind: 'ok' });
      await vi.advanceTimersByTimeAsync(700); // ~1100 ms after the grant, 700 after the byte
      expect(limiter.status().startsInWindow).toBe(1);
      await vi.advanceTimersByTimeAsync(350);
      expect(limiter.status().startsInWindow).toBe(0);
    } finally {
      limiter.stop();
      vi.useRealTimers();
    }
  });
});
