/**
 * Issue 15 end to end: ClawDesk installs as separate processes (the headless server, its real
 * workers) against one fake gateway that enforces a provider's limits, sharing one budget
 * through a real `redis-server` on a free loopback port. Limits are time-compressed: a window of
 * 2 s instead of a minute.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskView } from '../../src/shared/task.ts';
import type { UpstreamStatus } from '../../src/shared/upstream.ts';
import { openBridge, type BridgeClient } from '../helpers/bridge-client.ts';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-gateway.ts';
import {
  startServerProcess,
  waitForTaggedExit,
  type ServerProcess,
} from '../helpers/headless-process.ts';
import { skipWithoutRedis, startRedis, type RedisServer } from '../helpers/redis-server.ts';
import { maxInWindow } from '../helpers/rolling-window.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const skip = skipWithoutRedis('installs sharing one budget through Redis');
const FINISHED = ['succeeded', 'failed', 'cancelled', 'timed_out'];
const WINDOW_MS = 2_000;

interface Install {
  name: string;
  server: ServerProcess;
  bridge: BridgeClient;
}

let redis: RedisServer;
let gateway: FakeGateway;
let dirs: Array<{ cleanup: () => void }> = [];
let running: Install[] = [];

async function startInstall(
  name: string,
  limits: { perWindow: number; maxConcurrent: number },
  workers: number,
): Promise<Install> {
  const dir = tempDir(`clawdesk-budget-${name}-`);
  dirs.push(dir);
  const server = await startServerProcess({
    dataDir: dir.path,
    gatewayUrl: gateway.url,
    gatewayToken: gateway.token,
    workers,
    env: {
      CLAWDESK_REDIS_URL: redis.url,
      CLAWDESK_BUDGET_NAME: 'household',
      CLAWDESK_INSTALL_NAME: name,
      CLAWDESK_RATE_PER_WINDOW: String(limits.perWindow),
      CLAWDESK_RATE_WINDOW_MS: String(WINDOW_MS),
      CLAWDESK_MAX_CONCURRENT: String(limits.maxConcurrent),
    },
  });
  const install = { name, server, bridge: await openBridge(server.url) };
  running.push(install);
  return install;
}

const status = (i: Install): Promise<UpstreamStatus> => i.bridge.call('upstream.status', {});

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Each text in a conversation of its own (OpenClaw runs one turn per session at a time). */
async function sendEach(i: Install, texts: readonly string[]): Promise<string[]> {
  const sent = await Promise.all(texts.map((text) => i.bridge.call('chat.send', { text })));
  return sent.map((s) => s.conversation.id);
}

async function tasksOf(i: Install, conversations: readonly string[]): Promise<TaskView[]> {
  const pages = await Promise.all(
    conversations.map((conversationId) => i.bridge.call('chat.history', { conversationId })),
  );
  return pages.flat();
}

async function allFinished(i: Install, conversations: readonly string[]): Promise<TaskView[]> {
  let tasks: TaskView[] = [];
  await until(
    `${i.name}'s tasks`,
    async () => {
      tasks = await tasksOf(i, conversations);
      return tasks.every((t) => FINISHED.includes(t.state));
    },
    90_000,
  );
  return tasks;
}

const chatArrivals = () =>
  gateway
    .chatRequests()
    .map((r) => r.receivedAt)
    .sort((a, b) => a - b);

describe.skipIf(skip)('installs sharing one budget through Redis', () => {
  beforeEach(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    for (const i of running) i.bridge.close();
    await Promise.all(running.map((i) => i.server.stop()));
    await Promise.all(running.map((i) => waitForTaggedExit(i.server.tag)));
    running = [];
    await gateway?.close();
    await redis?.stop();
    for (const d of dirs) d.cleanup();
    dirs = [];
  });

  it('three installs saturating the budget: no window over N, never over the cap, a 429 pauses all and spends no attempt', async () => {
    const limits = { perWindow: 10, maxConcurrent: 2 };
    gateway = await startFakeGateway({
      firstChunkDelayMs: 150,
      limits: { perMinute: limits.perWindow, windowMs: WINDOW_MS, ...limits },
    });
    const installs = await Promise.all(
      ['laptop', 'desktop', 'nas'].map((n) => startInstall(n, limits, 3)),
    );
    await until('all shared', async () =>
      (await Promise.all(installs.map(status))).every((s) => s.limiter.shared?.state === 'shared'),
    );
    // The first call gets a 429 (Retry-After 2 s): every install pauses, and no attempt is spent.
    gateway.failNext({ kind: 'status', status: 429, headers: { 'retry-after': '2' } });
    const sent = await Promise.all(
      installs.map((i) =>
        sendEach(
          i,
          Array.from({ length: 8 }, (_, k) => `${i.name} ${k}`),
        ),
      ),
    );
    const tasks = (await Promise.all(installs.map((i, k) => allFinished(i, sent[k]!)))).flat();

    expect(tasks).toHaveLength(24);
    expect(tasks.filter((t) => t.state !== 'succeeded')).toEqual([]);
    expect(tasks.every((t) => (t.failures ?? 0) === 0)).toBe(true);
    expect(tasks.filter((t) => t.attempts === 2)).toHaveLength(1); // the one refused, once
    // Nothing reached the gateway from any install well inside the pause (calls already on
    // their way when it began may land just after the 429).
    const arrivals = chatArrivals();
    const refusedAt = arrivals[0]!;
    const inPause = arrivals.filter((at) => at > refusedAt + 500 && at < refusedAt + 1_800);
    expect(inPause).toEqual([]);
    expect(gateway.chatRequests()).toHaveLength(25);
    expect(gateway.stats.limited).toBe(0);
    expect(gateway.stats.maxInFlight).toBeLessThanOrEqual(limits.maxConcurrent);
    expect(maxInWindow(chatArrivals(), WINDOW_MS)).toBeLessThanOrEqual(limits.perWindow);
    // Each install lists the three, and the window as used by each.
    const seen = await status(installs[0]!);
    const names = seen.limiter.shared?.installs.map((i) => i.name).sort();
    expect(names).toEqual(['desktop', 'laptop', 'nas']);
  }, 60_000);

  it('gives back the slots of an install killed with kill -9 holding leases, and holds its share', async () => {
    const limits = { perWindow: 10, maxConcurrent: 2 };
    gateway = await startFakeGateway({
      limits: { perMinute: limits.perWindow, windowMs: WINDOW_MS, ...limits },
    });
    const [doomed, survivor] = await Promise.all([
      startInstall('doomed', limits, 2),
      startInstall('survivor', limits, 2),
    ]);
    await until('both shared', async () =>
      (await Promise.all([doomed!, survivor!].map(status))).every(
        (s) => s.limiter.shared?.state === 'shared',
      ),
    );
    // Two calls that hold both slots of the budget for a minute.
    await sendEach(doomed!, ['[[fault:pause:60000]] one', '[[fault:pause:60000]] two']);
    await until('both slots held', async () => (await status(survivor!)).limiter.running === 2);
    await doomed!.server.kill();
    const conversations = await sendEach(survivor!, ['after 1', 'after 2', 'after 3']);
    await until('the dead install seen away', async () => {
      const shared = (await status(survivor!)).limiter.shared;
      return shared?.installs.some((i) => i.name === 'doomed' && !i.live) === true;
    });
    // Its share of the window stays held back while it may run on it (10 ÷ 2 installs).
    await until('its share held back', async () => {
      return (await status(survivor!)).limiter.shared?.reserved === 5;
    });
    const tasks = await allFinished(survivor!, conversations);
    expect(tasks.map((t) => t.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(gateway.stats.limited).toBe(0);
    expect(gateway.stats.maxInFlight).toBeLessThanOrEqual(limits.maxConcurrent);
  }, 60_000);

  it('carries on with local shares while Redis is killed, rejoins once it is back: nothing lost, no burst', async () => {
    const limits = { perWindow: 12, maxConcurrent: 3 };
    gateway = await startFakeGateway({
      firstChunkDelayMs: 200,
      limits: { perMinute: limits.perWindow, windowMs: WINDOW_MS, ...limits },
    });
    const installs = await Promise.all(['a', 'b', 'c'].map((n) => startInstall(n, limits, 3)));
    await until('all shared', async () =>
      (await Promise.all(installs.map(status))).every((s) => s.limiter.shared?.state === 'shared'),
    );
    const sent = await Promise.all(
      installs.map((i) =>
        sendEach(
          i,
          Array.from({ length: 10 }, (_, k) => `${i.name} ${k}`),
        ),
      ),
    );
    await until('a first window of calls', async () => gateway.chatRequests().length >= 8);
    await redis.kill();
    await until('all offline, on a share of 12 ÷ 3', async () =>
      (await Promise.all(installs.map(status))).every(
        (s) =>
          s.limiter.shared?.state === 'offline' &&
          s.limiter.shared.share?.perWindow === 4 &&
          s.limiter.shared.share.maxConcurrent === 1,
      ),
    );
    const offlineCalls = gateway.chatRequests().length;
    await sleep(2_500);
    expect(gateway.chatRequests().length).toBeGreaterThan(offlineCalls); // it went on
    await redis.restart();
    await until('all shared again', async () =>
      (await Promise.all(installs.map(status))).every((s) => s.limiter.shared?.state === 'shared'),
    );
    const tasks = (await Promise.all(installs.map((i, k) => allFinished(i, sent[k]!)))).flat();

    expect(tasks).toHaveLength(30);
    expect(tasks.filter((t) => t.state !== 'succeeded')).toEqual([]);
    expect(gateway.chatRequests()).toHaveLength(30);
    expect(gateway.stats.limited).toBe(0);
    expect(gateway.stats.maxInFlight).toBeLessThanOrEqual(limits.maxConcurrent);
    expect(maxInWindow(chatArrivals(), WINDOW_MS)).toBeLessThanOrEqual(limits.perWindow);
  }, 120_000);
});
