import { afterEach, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/main/core/circuit-breaker.ts';
import { GatewayHealth } from '../../src/main/core/gateway-health.ts';
import { RateLimiter } from '../../src/main/core/rate-limiter.ts';
import { UpstreamGate } from '../../src/main/core/upstream-gate.ts';

describe('upstream gate', () => {
  let clock = 1_000_000;
  const now = () => clock;
  let limiter: RateLimiter;
  afterEach(() => limiter.stop());

  function gate(authRetryMs = 60_000) {
    limiter = new RateLimiter({ perWindow: 10, windowMs: 60_000, maxConcurrent: 2 });
    const breaker = new CircuitBreaker({ failureThreshold: 2, coolDownMs: 1000 }, now);
    const health = new GatewayHealth({
      url: () => 'http://127.0.0.1:9',
      probe: () => new Promise(() => {}),
      onChange: () => {},
      log: () => {},
    });
    const parts = { limiter, breaker, health };
    return { gate: new UpstreamGate(parts, authRetryMs, () => {}), breaker, health };
  }

  it('lets a run go once an open breaker has cooled down (the probe)', () => {
    const { gate: g, breaker } = gate();
    breaker.onFailure();
    breaker.onFailure();
    expect(breaker.status().state).toBe('open');
    expect(g.dispatchDelayMs(0)).toBeGreaterThan(0);
    clock += 1001;
    expect(g.dispatchDelayMs(0)).toBe(0);
  });

  it('holds dispatch after a refused token, then allows one probe per period', async () => {
    const { gate: g } = gate(5000);
    const signal = new AbortController().signal;
    const grant = await g.acquire(0, signal);
    grant.release({ kind: 'auth_error' });
    expect(g.status().auth.state).toBe('rejected');
    expect(g.dispatchDelayMs(0)).toBeGreaterThan(4000);
    const real = Date.now;
    Date.now = () => real() + 6000;
    try {
      expect(g.dispatchDelayMs(0)).toBe(0); // the probe
      expect(g.dispatchDelayMs(0)).toBeGreaterThan(4000); // and only one
    } finally {
      Date.now = real;
    }
    const probe = await g.acquire(0, signal);
    probe.release({ kind: 'ok' });
    expect(g.status().auth).toEqual({ state: 'ok', retryAt: null });
    expect(g.dispatchDelayMs(0)).toBe(0);
  });

  it('counts runs about to ask for a slot against the concurrency cap', () => {
    const { gate: g } = gate();
    expect(g.dispatchDelayMs(1)).toBe(0);
    expect(g.dispatchDelayMs(2)).toBeGreaterThan(0);
  });
});
