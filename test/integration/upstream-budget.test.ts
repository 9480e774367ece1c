import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../src/shared/ipc-contract.ts';
import { withFakeGateway } from '../helpers/gateway-fixture.ts';
import { allFinished, sendOk, startWorkerCore } from '../helpers/worker-core.ts';

/**
 * The shared budget with real worker processes against a fake gateway that enforces
 * NVIDIA-like limits, time-compressed: 40 requests per rolling second instead of a minute.
 */
describe('one shared upstream budget', () => {
  const env = withFakeGateway({ chunkDelayMs: 2 });

  it('runs a burst of 200 tasks within the provider limits: no 429 caused by ClawDesk', async () => {
    env.gateway.configure({ limits: { perMinute: 40, windowMs: 1000, maxConcurrent: 5 } });
    // The same window as the provider's, no margin: a unit comes back one window after the
    // call's first byte, which the provider had before it answered.
    const started = startWorkerCore(join(env.dir.path, 'db.sqlite'), env.gateway, {
      rateLimit: { perWindow: 40, windowMs: 1000, maxConcurrent: 5 },
    });
    const core = (env.core = started.core);
    // 200 conversations: OpenClaw runs one turn per session, so only separate conversations
    // run side by side and can press on the provider's limits.
    const conversations: string[] = [];
    for (let i = 0; i < 200; i++)
      conversations.push((await sendOk(core, `task ${i}`)).conversation.id);
    const tasks = await allFinished(core, conversations, 90_000);
    expect(tasks).toHaveLength(200);
    expect(tasks.filter((t) => t.state !== 'succeeded')).toEqual([]);
    expect(tasks.every((t) => t.output === `Echo: ${t.prompt}`)).toBe(true);
    expect(env.gateway.stats.limited).toBe(0);
    expect(env.gateway.stats.maxInFlight).toBeLessThanOrEqual(5);
    expect(env.gateway.chatRequests()).toHaveLength(200);
  });

  it('opens the breaker on consecutive failures, holds tasks queued, then closes', async () => {
    const started = startWorkerCore(join(env.dir.path, 'db.sqlite'), env.gateway, {
      maxAttempts: 10,
      retryBaseMs: 50,
      breaker: { failureThreshold: 5, coolDownMs: 300 },
      workerCount: 1,
      rateLimit: { perWindow: 100, windowMs: 1000, maxConcurrent: 1 },
    });
    const core = (env.core = started.core);
    // 500s: this request failed, the gateway is there (a 503 would be an outage, waited out).
    env.gateway.failNext(
      ...Array.from({ length: 6 }, () => ({ kind: 'status' as const, status: 500 })),
    );
    const first = await sendOk(core, 'survivor 0');
    for (let i = 1; i < 3; i++) await sendOk(core, `survivor ${i}`, first.conversation.id);
    const tasks = await allFinished(core, [first.conversation.id], 60_000);
    expect(tasks.map((t) => t.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const states = breakerStates(started.events);
    expect(states).toContain('open');
    const status = await core.dispatch('upstream.status', {});
    expect(status).toMatchObject({ ok: true, result: { breaker: { state: 'closed' } } });
    // While it was open no task failed: the failures spent attempts, never the whole budget.
    expect(tasks.every((t) => t.attempts <= 10)).toBe(true);
  });
});

function breakerStates(events: readonly TaskEvent[]): string[] {
  const states: string[] = [];
  for (const e of events) {
    if (e.type !== 'upstream') continue;
    if (states.at(-1) !== e.status.breaker.state) states.push(e.status.breaker.state);
  }
  return states;
}
