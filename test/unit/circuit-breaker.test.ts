import { describe, expect, it } from 'vitest';
import type { BreakerStatus } from '../../src/main/core/circuit-breaker.ts';
import { CircuitBreaker } from '../../src/main/core/circuit-breaker.ts';

function breaker() {
  const clock = { now: 1_000_000 };
  const b = new CircuitBreaker({ failureThreshold: 5, coolDownMs: 30_000 }, () => clock.now);
  const changes: BreakerStatus[] = [];
  b.onChange((s) => changes.push(s));
  return { b, clock, changes };
}

const fail = (b: CircuitBreaker, n: number) => {
  for (let i = 0; i < n; i++) b.onFailure();
};

describe('CircuitBreaker', () => {
  it('opens after exactly 5 consecutive failures', () => {
    const { b, clock } = breaker();
    fail(b, 4);
    expect(b.status()).toMatchObject({ state: 'closed', consecutiveFailures: 4 });
    expect(b.allowRequest()).toBe(true);
    b.onFailure();
    expect(b.status()).toEqual({
      state: 'open',
      consecutiveFailures: 5,
      openedAt: clock.now,
      retryAt: clock.now + 30_000,
    });
    expect(b.allowRequest()).toBe(false);
  });

  it('starts counting again after a success in between', () => {
    const { b } = breaker();
    fail(b, 4);
    b.onSuccess();
    expect(b.status().consecutiveFailures).toBe(0);
    fail(b, 4);
    expect(b.status().state).toBe('closed');
    b.onFailure();
    expect(b.status().state).toBe('open');
  });

  it('stays open through the cool-down; late failures do not extend it', () => {
    const { b, clock } = breaker();
    fail(b, 5);
    const retryAt = b.status().retryAt;
    clock.now += 20_000;
    b.onFailure(); // a call sent before it opened
    expect(b.status().retryAt).toBe(retryAt);
    clock.now += 9_999;
    expect(b.wouldAllow()).toBe(false);
    expect(b.allowRequest()).toBe(false);
    expect(b.status().state).toBe('open');
  });

  it('half-opens after the cool-down and lets exactly one probe go', () => {
    const { b, clock } = breaker();
    fail(b, 5);
    clock.now += 30_000;
    expect(b.wouldAllow()).toBe(true);
    expect(b.status().state).toBe('open'); // asking does not take the probe
    expect(b.allowRequest()).toBe(true);
    expect(b.status()).toMatchObject({ state: 'half_open', retryAt: null });
    expect(b.allowRequest()).toBe(false);
    expect(b.allowRequest()).toBe(false);
    expect(b.wouldAllow()).toBe(false);
  });

  it('closes when the probe succeeds', () => {
    const { b, clock, changes } = breaker();
    fail(b, 5);
    clock.now += 30_000;
    b.allowRequest();
    b.onSuccess();
    expect(b.status()).toEqual({
      state: 'closed',
      consecutiveFailures: 0,
      openedAt: null,
      retryAt: null,
    });
    expect(b.allowRequest()).toBe(true);
    expect(b.allowRequest()).toBe(true);
    expect(changes.map((c) => c.state)).toEqual([
      'closed', // failures 1–4 are changes of the count
      'closed',
      'closed',
      'closed',
      'open',
      'half_open',
      'closed',
    ]);
  });

  it('re-opens for another full cool-down when the probe fails', () => {
    const { b, clock } = breaker();
    fail(b, 5);
    clock.now += 30_000;
    b.allowRequest();
    clock.now += 2_000;
    b.onFailure(); // one failure is enough in half open
    expect(b.status()).toMatchObject({
      state: 'open',
      openedAt: clock.now,
      retryAt: clock.now + 30_000,
    });
    clock.now += 29_999;
    expect(b.allowRequest()).toBe(false);
    clock.now += 1;
    expect(b.allowRequest()).toBe(true);
    expect(b.status().state).toBe('half_open');
  });

  it('lets another probe go when the first is abandoned unjudged', () => {
    const { b, clock } = breaker();
    fail(b, 5);
    clock.now += 30_000;
    expect(b.allowRequest()).toBe(true);
    b.onProbeAbandoned(); // e.g. the user cancelled the probing task
    expect(b.status().state).toBe('half_open');
    expect(b.allowRequest()).toBe(true);
    expect(b.allowRequest()).toBe(false);
  });

  it('stops notifying after unsubscribe', () => {
    const { b } = breaker();
    let calls = 0;
    const off = b.onChange(() => calls++);
    b.onFailure();
    off();
    b.onFailure();
    expect(calls).toBe(1);
  });
});
