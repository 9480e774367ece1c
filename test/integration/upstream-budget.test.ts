import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClawDeskCore } from '../../src/main/core/core.ts';
import type { TaskEvent } from '../../src/shared/ipc-contract.ts';
import { startFakeGateway, type Fault, type FakeGateway } from '../helpers/fake-gateway.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { allFinished, sendOk, startWorkerCore } from '../helpers/worker-core.ts';

/**
 * The shared budget with real worker processes against a fake gateway that enforces
 * NVIDIA-like limits, time-compressed: 40 requests per rolling second instead of a minute.
 */
describe('one shared upstream budget', () => {
  let dir: ReturnType<typeof tempDir>;
  let gateway: FakeGateway;
  let core: ClawDeskCore | undefined;

  beforeEach(async () => {
    dir = tempDir();
    gateway = await startFakeGateway({ chunkDelayMs: 2 });
  });
  afterEach(async () => {
    await core?.close();
    await gateway.close();
    dir.cleanup();
  });

  it('runs a burst of 200 tasks within the provider limits: no 429 caused by ClawDesk', async () => {
    gateway.configure({ limits: { perMinute: 40, windowMs: 1000, maxConcurrent: 5 } });
    // The same window as the provider's, no margin: a unit comes back one window after the
    // call's first byte, which the provider had before it answered.
    const started = startWorkerCore(join(dir.path, 'db.sqlite'), gateway, {
      rateLimit: { perWindow: 40, windowMs: 1000, maxConcurrent: 5 },
    });
    core = started.core;
    const first = await sendOk(core, 'task 0');
    for (let i = 1; i < 200; i++) await sendOk(core, `task ${i}`, first.conversation.id);
    const tasks = await allFinished(core, [first.conversation.id], 90_000);
    expect(tasks).toHaveLength(200);
    expect(tasks.filter((t) => t.state !== 'succeeded')).toEqual([]);
    expect(tasks.every((t) => t.output === `Echo: ${t.prompt}`)).toBe(true);
    expect(gateway.stats.limited).toBe(0);
    expect(gateway.stats.maxInFlight).toBeLessThanOrEqual(5);
    expect(gateway.chatRequests()).toHaveLength(200);
  });

  it('ends every task succeeded or failed with a clear reason under injected faults', async () => {
    const started = startWorkerCore(join(dir.path, 'db.sqlite'), gateway, {
      maxAttempts: 2,
      retryBaseMs: 50,
      breaker: { failureThreshold: 5, coolDownMs: 200 },
      lanes: {
        interactive: { headersMs: 2000, stallMs: 300, totalMs: 10_000 },
        short: { headersMs: 2000, stallMs: 300, totalMs: 10_000 },
        long: { headersMs: 2000, stallMs: 300, totalMs: 10_000 },
      },
    });
    core = started.core;
    // Transient faults: each flaky task's first request fails, its retry succeeds.
    const transient: Record<string, Fault> = {
      'flaky 502': { kind: 'status', status: 502 },
      'flaky reset': { kind: 'reset', afterChunks: 1 },
      'flaky stream-error': { kind: 'stream-error', message: 'provider hiccup' },
      'flaky 429': { kind: 'status', status: 429, headers: { 'retry-after': '1' } },
    };
    const seen = new Set<string>();
    gateway.configure({
      fault: (request) => {
        const body = request.body as { messages?: { content?: string }[] };
        const text = body.messages?.at(-1)?.content ?? '';
        if (!(text in transient) || seen.has(text)) return undefined;
        seen.add(text);
        return transient[text];
      },
    });
    const permanent: Record<string, string> = {
      '[[fault:500]]': 'upstream_error',
      '[[fault:400]]': 'bad_response',
      '[[fault:stream-error]]': 'upstream_error',
      '[[fault:reset]]': 'stream_error',
      '[[fault:silence]]': 'stall_timeout',
      '[[fault:malformed]]': 'bad_response',
    };
    const first = await sendOk(core, 'plain 0');
    for (let i = 1; i < 8; i++) await sendOk(core, `plain ${i}`, first.conversation.id);
    for (const text of Object.keys(transient)) await sendOk(core, text, first.conversation.id);
    for (const marker of Object.keys(permanent))
      await sendOk(core, `bad ${marker}`, first.conversation.id);
    const tasks = await allFinished(core, [first.conversation.id], 25_000).catch((err: Error) => {
      const last = started.events.filter((e) => e.type === 'upstream').at(-1);
      throw new Error(`${err.message}; upstream: ${JSON.stringify(last)}`);
    });
    expect(tasks).toHaveLength(8 + 4 + Object.keys(permanent).length);
    for (const task of tasks) {
      if (task.prompt.startsWith('plain') || task.prompt.startsWith('flaky')) {
        expect(
          task,
          `${task.prompt}: ${task.error?.code} ${task.error?.message} (${task.attempts})`,
        ).toMatchObject({
          state: 'succeeded',
          output: `Echo: ${task.prompt}`,
        });
        continue;
      }
      const marker = task.prompt.slice('bad '.length);
      expect(task.state, task.prompt).toMatch(/^(failed|timed_out)$/);
      expect(task.error?.code, task.prompt).toBe(permanent[marker]);
      expect(task.error?.message.length, task.prompt).toBeGreaterThan(10);
    }
  });

  it('opens the breaker on consecutive failures, holds tasks queued, then closes', async () => {
    const started = startWorkerCore(join(dir.path, 'db.sqlite'), gateway, {
      maxAttempts: 10,
      retryBaseMs: 50,
      breaker: { failureThreshold: 5, coolDownMs: 300 },
      workerCount: 1,
      rateLimit: { perWindow: 100, windowMs: 1000, maxConcurrent: 1 },
    });
    core = started.core;
    gateway.failNext(
      ...Array.from({ length: 6 }, () => ({ kind: 'status' as const, status: 503 })),
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
