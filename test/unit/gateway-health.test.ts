import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProbeResult } from '../../src/main/core/gateway-health.ts';
import { GatewayHealth, probeGateway } from '../../src/main/core/gateway-health.ts';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeGateway } from '../helpers/fake-gateway.ts';
import { until } from '../helpers/crash-client.ts';

/** Issue 12: the gateway's health decides dispatch; a user's message is never the probe. */
describe('gateway health', () => {
  afterEach(() => vi.useRealTimers());

  function health(results: ProbeResult[], opts: { minMs?: number; maxMs?: number } = {}) {
    const probes: number[] = [];
    const stillDown: number[] = [];
    const h = new GatewayHealth({
      url: () => 'http://127.0.0.1:18790/some/path',
      probe: async () => {
        probes.push(Date.now());
        return results.shift() ?? { ok: true };
      },
      onChange: () => {},
      onStillDown: (since) => stillDown.push(since),
      log: () => {},
      minMs: opts.minMs ?? 1000,
      maxMs: opts.maxMs ?? 30_000,
    });
    return { h, probes, stillDown };
  }

  it('probes a refused gateway every second, and one that answers badly with a doubling back-off', async () => {
    vi.useFakeTimers({ now: 0 });
    const refused = { ok: false, refused: true, reason: 'connection refused' } as const;
    const proxy = { ok: false, refused: false, reason: 'HTTP 502' } as const;
    const { h, probes, stillDown } = health([refused, refused, proxy, proxy, proxy]);
    h.down('connection refused at http://127.0.0.1:18790');
    expect(h.status()).toMatchObject({
      state: 'down',
      origin: 'http://127.0.0.1:18790',
      since: 0,
      nextProbeAt: 1000,
    });
    await vi.advanceTimersByTimeAsync(10_000);
    // 1 s, 1 s (refused), then 1, 2, 4 s (502) and up.
    expect(probes).toEqual([1000, 2000, 3000, 4000, 6000, 10_000]);
    expect(stillDown).toHaveLength(5);
    expect(h.status()).toMatchObject({ state: 'up', since: null, nextProbeAt: null, reason: null });
    h.stop();
  });

  it('asks a gateway that says it is starting every second, so work resumes within 2 s of it being ready', async () => {
    vi.useFakeTimers({ now: 0 });
    const starting = { ok: false, refused: false, reason: 'HTTP 503, starting', starting: true };
    const { h, probes } = health(Array.from({ length: 20 }, () => ({ ...starting })));
    h.down('HTTP 503');
    expect(h.status().reason).toBe('HTTP 503');
    await vi.advanceTimersByTimeAsync(20_500);
    expect(h.status().reason).toBe('HTTP 503, starting');
    await vi.advanceTimersByTimeAsync(1_000);
    // Twenty answers of "starting" a second apart, then the first look after it is ready.
    expect(probes).toEqual(Array.from({ length: 21 }, (_, i) => (i + 1) * 1000));
    expect(h.isUp()).toBe(true);
    h.stop();
  });

  it('backs off a gateway that still says it is starting after two minutes', async () => {
    vi.useFakeTimers({ now: 0 });
    const starting = { ok: false, refused: false, reason: 'HTTP 503', starting: true } as const;
    const { h, probes } = health(Array.from({ length: 200 }, () => starting));
    h.down('HTTP 503');
    await vi.advanceTimersByTimeAsync(200_000);
    const gaps = probes.map((at, i) => at - (probes[i - 1] ?? 0));
    // Every second up to 2 min, then 1, 2, 4, 8, 16, 30 s apart.
    expect(probes.filter((at) => at < 120_000)).toHaveLength(119);
    expect(gaps.slice(119)).toEqual([1000, 1000, 2000, 4000, 8000, 16_000, 30_000]);
    expect(h.isUp()).toBe(false);
    h.stop();
  });

  it('keeps backing off a gateway that comes back and goes away again at once (a proxy in front)', async () => {
    vi.useFakeTimers({ now: 0 });
    const { h, probes } = health([], { minMs: 100, maxMs: 1600 });
    // Each time: away, the probe finds it up, and the very next message finds it away again.
    for (let i = 0; i < 6; i++) {
      h.down('HTTP 502');
      await vi.advanceTimersByTimeAsync(1600);
    }
    const waits = probes.map((at, i) => at - i * 1600);
    expect(waits).toEqual([100, 100, 200, 400, 800, 1600]);
    h.stop();
  });

  it('forgets an outage when the settings name another gateway', () => {
    let url = 'http://127.0.0.1:1';
    const h = new GatewayHealth({
      url: () => url,
      probe: () => new Promise(() => {}),
      onChange: () => {},
      log: () => {},
    });
    h.down('connection refused');
    h.configChanged();
    expect(h.isUp()).toBe(false);
    url = 'http://127.0.0.1:2';
    h.configChanged();
    expect(h.isUp()).toBe(true);
    h.stop();
  });

  it("probes OpenClaw's /startupz without a token, and says why a gateway is not there", async () => {
    const gateway = await startFakeGateway();
    try {
      expect(await probeGateway(new URL(gateway.url).origin)).toEqual({ ok: true });
      expect(gateway.healthChecks.count).toBe(1);
      expect(gateway.requests).toHaveLength(0);
    } finally {
      await gateway.close();
    }
    expect(await probeGateway(gateway.url)).toEqual({
      ok: false,
      refused: true,
      reason: 'connection refused',
    });
  });

  it('finds OpenClaw there while one of its channels is down (its /readyz fails, chat works)', async () => {
    const gateway = await startFakeGateway({ openclaw: true, failingChannels: ['telegram'] });
    try {
      const ready = await fetch(`${gateway.url}/readyz`);
      expect([ready.status, await ready.json()]).toEqual([
        503,
        { ready: false, failing: ['telegram'] },
      ]);
      expect(await probeGateway(gateway.url)).toEqual({ ok: true });
    } finally {
      await gateway.close();
    }
  });

  it('tells a gateway that drains or starts (503) from one that is up', async () => {
    const gateway = await startFakeGateway({ openclaw: true, firstChunkDelayMs: 1_000 });
    try {
      const running = fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gateway.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'openclaw',
          stream: true,
          messages: [{ role: 'user', content: 'x' }],
        }),
      }).then((r) => r.text());
      expect(await until(() => gateway.stats.inFlight === 1)).toBe(true);
      const stopping = gateway.stopGracefully();
      expect(await probeGateway(gateway.url)).toEqual({
        ok: false,
        refused: false,
        reason: 'HTTP 503, draining',
        starting: true,
      });
      await Promise.all([running, stopping]);
      const started = gateway.start({ startingMs: 1_000 });
      expect(
        await until(async () => {
          const r = await probeGateway(gateway.url);
          return !r.ok && !r.refused;
        }),
      ).toBe(true);
      expect(await probeGateway(gateway.url)).toMatchObject({ reason: 'HTTP 503, starting' });
      await started;
      expect(await probeGateway(gateway.url)).toEqual({ ok: true });
    } finally {
      await gateway.close();
    }
  });

  it('falls back to /health, and takes a server without either route as there', async () => {
    const routes: Record<string, [number, string]> = { '/health': [200, '{"ok":false}'] };
    const server = createServer((req, res) => {
      const [status, body] = routes[req.url ?? ''] ?? [404, 'not found'];
      res.writeHead(status).end(body);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await probeGateway(url)).toMatchObject({ ok: false, reason: 'starting' });
      routes['/health'] = [200, '{"ok":true}'];
      expect(await probeGateway(url)).toEqual({ ok: true });
      delete routes['/health'];
      expect(await probeGateway(url)).toEqual({ ok: true });
    } finally {
      server.close();
    }
  });
});
