/**
 * The upstream budget shared through Redis (issue 15), with several installs' budgets in this
 * process against a real `redis-server` on a free loopback port: the window, the order across
 * installs, the shared pause, Redis away at start and lost mid-run. The installs as separate
 * processes (kill -9 included) are in shared-budget-installs.test.ts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { BudgetSwitch } from '../../src/main/core/budget-switch.ts';
import { budgetKeys } from '../../src/main/core/shared-budget-lua.ts';
import type { Grant, RateLimitSettings } from '../../src/main/core/rate-limit-types.ts';
import { maxInWindow } from '../helpers/rolling-window.ts';
import {
  freePort,
  skipWithoutRedis,
  startRedis,
  type RedisServer,
} from '../helpers/redis-server.ts';

const skip = skipWithoutRedis('the shared budget through Redis');
const ok = { kind: 'ok' } as const;
let redis: RedisServer;
let budgetSeq = 0;
const installs: BudgetSwitch[] = [];

function install(
  name: string,
  limits: RateLimitSettings,
  extra: { url?: string; budget?: string; lastSeen?: number; providerPauseMs?: number } = {},
): BudgetSwitch {
  const b = new BudgetSwitch({
    settings: limits,
    limiter: { random: () => 0, providerPauseMs: extra.providerPauseMs ?? 60_000 },
    sharing: {
      enabled: true,
      url: extra.url ?? redis.url,
      name: extra.budget ?? `t${budgetSeq}`,
      installName: name,
    },
    install: { id: `id-${name}`, name },
    ...(extra.lastSeen ? { lastSeenInstalls: extra.lastSeen } : {}),
    leaseMs: 1_000,
  });
  installs.push(b);
  return b;
}

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const shared = (...bs: BudgetSwitch[]) =>
  until('shared', () => bs.every((b) => b.budgetMode() === 'shared'));

describe.skipIf(skip)('the budget shared through Redis', () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    for (const b of installs.splice(0)) b.stop();
    budgetSeq++;
    await sleep(50);
  });

  it('never lets more than N starts into any window, nor more than the cap in flight, across installs', async () => {
    const limits = { perWindow: 6, windowMs: 500, maxConcurrent: 2 };
    const all = ['a', 'b', 'c'].map((n) => install(n, limits));
    await shared(...all);
    const starts: number[] = [];
    let inFlight = 0;
    let most = 0;
    const call = async (b: BudgetSwitch, i: number) => {
      const g = await b.acquire(i % 3);
      starts.push(Date.now());
      most = Math.max(most, ++inFlight);
      g.reachedUpstream();
      await sleep(20 + (i % 4) * 10);
      inFlight--;
      g.release(ok);
    };
    await Promise.all(all.flatMap((b) => Array.from({ length: 8 }, (_, i) => call(b, i))));
    expect(starts).toHaveLength(24);
    expect(maxInWindow(starts, limits.windowMs)).toBeLessThanOrEqual(limits.perWindow);
    expect(maxInWindow(starts, limits.windowMs)).toBe(limits.perWindow); // and it is used
    expect(most).toBeLessThanOrEqual(limits.maxConcurrent);
  });

  it('grants interactive before short before long across installs, then oldest first', async () => {
    const limits = { perWindow: 100, windowMs: 10_000, maxConcurrent: 1 };
    const [a, b, c] = ['a', 'b', 'c'].map((n) => install(n, limits)) as [
      BudgetSwitch,
      BudgetSwitch,
      BudgetSwitch,
    ];
    await shared(a, b, c);
    const holder = await a.acquire(0);
    const order: string[] = [];
    const asks: Array<[string, BudgetSwitch, number]> = [
      ['b-long', b, 6],
      ['c-short', c, 3],
      ['a-chat', a, 0],
      ['b-chat', b, 0],
      ['c-long', c, 7],
      ['a-short', a, 4],
    ];
    const done: Promise<void>[] = [];
    for (const [name, who, priority] of asks) {
      done.push(
        who.acquire(priority).then((g) => {
          order.push(name);
          g.release(ok);
        }),
      );
      const asked = done.length;
      await until(`${name} queued`, () => a.status().waiting >= asked);
    }
    holder.release(ok);
    await Promise.all(done);
    expect(order).toEqual(['a-chat', 'b-chat', 'c-short', 'a-short', 'b-long', 'c-long']);
  });

  it("pauses every install after one install's 429, and doubles the provider's pause across them", async () => {
    const limits = { perWindow: 100, windowMs: 10_000, maxConcurrent: 5 };
    const [a, b] = ['a', 'b'].map((n) => install(n, limits, { providerPauseMs: 400 })) as [
      BudgetSwitch,
      BudgetSwitch,
    ];
    await shared(a, b);
    const first = await a.acquire(0);
    const limitedAt = Date.now();
    first.release({ kind: 'rate_limited', retryAfterMs: null, provider: true });
    await until('b paused', () => b.status().pausedUntil !== null);
    expect(b.status()).toMatchObject({ pauseCause: 'provider' });
    const waited = await b.acquire(0);
    expect(Date.now() - limitedAt).toBeGreaterThanOrEqual(400);
    // The next one in a row, from the other install, doubles the pause; a success resets it.
    const secondAt = Date.now();
    waited.release({ kind: 'rate_limited', retryAfterMs: null, provider: true });
    await until('a paused', () => a.status().pausedUntil !== null);
    const pausedFor = (a.status().pausedUntil ?? 0) - secondAt;
    expect(pausedFor).toBeGreaterThan(700);
    expect(pausedFor).toBeLessThan(900);
    const third = await a.acquire(0);
    third.release(ok);
    const fourth = await b.acquire(0);
    const fourthAt = Date.now();
    fourth.release({ kind: 'rate_limited', retryAfterMs: 250 });
    await until('a paused again', () => a.status().pausedUntil !== null);
    expect((a.status().pausedUntil ?? 0) - fourthAt).toBeLessThan(400);
  });

  it('forgets an install that stops cleanly at once: none of the window is held back for it', async () => {
    const limits = { perWindow: 10, windowMs: 60_000, maxConcurrent: 2 };
    const [a, b] = ['a', 'b'].map((n) => install(n, limits)) as [BudgetSwitch, BudgetSwitch];
    await shared(a, b);
    await until('a sees b', () => a.status().shared?.installs.length === 2);
    b.stop();
    await b.closed();
    await until('b gone', () => a.status().shared?.installs.length === 1);
    expect(a.status().shared).toMatchObject({ reserved: 0, installs: [{ name: 'a', self: true }] });
  });

  it('turns sharing on and off at run time, taking its starts and waiting calls along', async () => {
    const limits = { perWindow: 2, windowMs: 60_000, maxConcurrent: 5 };
    const off = { enabled: false, url: '', name: `t${budgetSeq}`, installName: 'rt' };
    const b = new BudgetSwitch({
      settings: limits,
      sharing: off,
      install: { id: 'id-rt', name: 'rt' },
    });
    installs.push(b);
    (await b.acquire(0)).release(ok);
    (await b.acquire(0)).release(ok);
    let third: Grant | null = null;
    void b.acquire(0).then((g) => (third = g));
    b.configure({ ...off, enabled: true, url: redis.url });
    await shared(b);
    // Its two starts went into Redis with it: the window is full there too, the third waits.
    const other = install('other', limits);
    await shared(other);
    await until('the window restored', () => other.status().startsInWindow === 2);
    expect(b.status()).toMatchObject({ startsInWindow: 2, shared: { state: 'shared' } });
    expect(third).toBeNull();
    b.configure(off);
    expect(b.budgetMode()).toBe('local');
    expect(b.status().shared).toBeUndefined();
    expect(b.status()).toMatchObject({ startsInWindow: 2, waiting: 1 });
    b.updateSettings({ perWindow: 3 });
    await until('the third call', () => third !== null);
  });

  it('runs on a local share when Redis is away at start, then joins it by itself', async () => {
    const port = await freePort();
    const limits = { perWindow: 9, windowMs: 60_000, maxConcurrent: 3 };
    const url = `redis://127.0.0.1:${port}`;
    const away = install('away', limits, { url, budget: 'start', lastSeen: 3 });
    await until('offline', () => away.budgetMode() === 'offline');
    expect(away.status()).toMatchObject({
      perWindow: 3,
      maxConcurrent: 1,
      shared: { state: 'offline', share: { perWindow: 3, maxConcurrent: 1 }, budget: 'start' },
    });
    const g = await away.acquire(0);
    g.release(ok);
    const late = await startRedis(port);
    try {
      await until('shared', () => away.budgetMode() === 'shared', 15_000);
      // It hears the others' grants and releases: subscribed, though Redis was away at first.
      const probe = new Redis(url);
      const subscribed = async () => {
        const reply = (await probe.pubsub('NUMSUB', budgetKeys('start').channel)) as unknown[];
        return Number(reply[1]);
      };
      for (let i = 0; i < 200 && (await subscribed()) < 1; i++) await sleep(10);
      expect(await subscribed()).toBe(1);
      probe.disconnect();
      // Its start made while Redis was away is in the shared window now.
      const other = install('other', limits, { url, budget: 'start' });
      await shared(other);
      await until('window restored', () => other.status().startsInWindow === 1);
      expect(
        other
          .status()
          .shared?.installs.map((i) => i.name)
          .sort(),
      ).toEqual(['away', 'other']);
    } finally {
      for (const b of installs.splice(0)) b.stop();
      await sleep(50);
      await late.stop();
    }
  });

  it('pauses the local share for a 429 of a call that was in flight when Redis went away', async () => {
    const own = await startRedis();
    try {
      const limits = { perWindow: 10, windowMs: 60_000, maxConcurrent: 2 };
      const alone = install('alone', limits, { url: own.url, budget: 'late429' });
      await shared(alone);
      const call = await alone.acquire(0);
      await own.kill();
      await until('offline', () => alone.budgetMode() === 'offline');
      const at = Date.now();
      call.release({ kind: 'rate_limited', retryAfterMs: 3_000 });
      expect(alone.status().pausedUntil).toBeGreaterThanOrEqual(at + 3_000);
      expect(alone.canStartNow()).toBe(false);
    } finally {
      await own.stop();
    }
  });

  it('goes on with local shares when Redis is lost mid-run: no burst, calls in flight keep their slot, and it rejoins', async () => {
    const limits = { perWindow: 9, windowMs: 1000, maxConcurrent: 3 };
    const own = await startRedis();
    try {
      const names = ['a', 'b', 'c'];
      const [a, b, c] = names.map((n) => install(n, limits, { url: own.url, budget: 'lost' }));
      await shared(a!, b!, c!);
      const starts: Array<{ who: string; at: number }> = [];
      let inFlight = 1; // the call `held` below
      let most = 0;
      const held = await a!.acquire(0);
      starts.push({ who: 'a', at: held.startedAt });
      let running = true;
      const loop = async (who: string, budget: BudgetSwitch) => {
        while (running) {
          const g: Grant | null = await budget.acquire(1).catch(() => null);
          if (!g) return;
          starts.push({ who, at: Date.now() });
          most = Math.max(most, ++inFlight);
          g.reachedUpstream();
          await sleep(30);
          inFlight--;
          g.release(ok);
        }
      };
      const loops = [a, b, c].flatMap((x, i) => [loop(names[i]!, x!), loop(names[i]!, x!)]);
      await sleep(1200);
      await own.kill();
      const killedAt = Date.now();
      await until('all offline', () => [a, b, c].every((x) => x!.budgetMode() === 'offline'));
      for (const x of [a, b, c]) {
        expect(x!.status().shared).toMatchObject({
          state: 'offline',
          share: { perWindow: 3, maxConcurrent: 1 },
        });
      }
      // The call a held when Redis went away keeps a's one slot of its share.
      expect(a!.status().running).toBe(1);
      await sleep(1500);
      expect(starts.filter((s) => s.who === 'a' && s.at > killedAt)).toEqual([]);
      expect(starts.filter((s) => s.who !== 'a' && s.at > killedAt).length).toBeGreaterThan(0);
      inFlight--;
      held.release(ok);
      await own.restart();
      await until('all shared again', () => [a, b, c].every((x) => x!.budgetMode() === 'shared'));
      await sleep(1200);
      running = false;
      for (const x of [a, b, c]) x!.stop();
      await Promise.all(loops);
      const times = starts.map((s) => s.at);
      expect(maxInWindow(times, limits.windowMs)).toBeLessThanOrEqual(limits.perWindow);
      expect(most).toBeLessThanOrEqual(limits.maxConcurrent);
      expect(starts.filter((s) => s.who === 'a' && s.at > killedAt).length).toBeGreaterThan(0);
    } finally {
      await own.stop();
    }
  });
});
