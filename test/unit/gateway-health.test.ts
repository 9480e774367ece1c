import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProbeResult } from '../../src/main/core/gateway-health.ts';
import { GatewayHealth, probeGateway } from '../../src/main/core/gateway-health.ts';
import { startFakeGateway } from '../helpers/fake-gateway.ts';

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
    const starting = { ok: false, refused: false, reason: 'HTTP 503' } as const;
    const { h, probes, stillDown } = health([refused, refused, starting, starting, starting]);
    h.down('connection refused at http://127.0.0.1:18790');
    expect(h.status()).toMatchObject({
      state: 'down',
      origin: 'http://127.0.0.1:18790',
      since: 0,
      nextProbeAt: 1000,
    });
    await vi.advanceTimersByTimeAsync(10_000);
    // 1 s, 1 s (refused), then 1, 2, 4 s (503) and up.
    expect(probes).toEqual([1000, 2000, 3000, 4000, 6000, 10_000]);
    expect(stillDown).toHaveLength(5);
    expect(h.status()).toMatchObject({ state: 'up', since: null, nextProbeAt: null, reason: null });
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

  it("probes OpenClaw's /readyz without a token, and says why a gateway is not there", async () => {
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
});
