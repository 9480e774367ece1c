import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClawDeskCore } from '../../src/main/core/core.ts';
import type { Lane, TaskView } from '../../src/shared/task.ts';
import type { Fault } from '../helpers/fake-gateway.ts';
import { withFakeGateway } from '../helpers/gateway-fixture.ts';
import { allFinished, startWorkerCore } from '../helpers/worker-core.ts';

/**
 * Every upstream fault the gateway can throw at a task, in one matrix, with real worker
 * processes. Time is compressed: one minute of the default lane timeouts is 200 ms here.
 */
const MINUTE = 200;
const LANES = {
  interactive: { headersMs: MINUTE, stallMs: 10 * MINUTE, totalMs: 30 * MINUTE },
  short: { headersMs: MINUTE, stallMs: 5 * MINUTE, totalMs: 5 * MINUTE },
  long: { headersMs: MINUTE, stallMs: 10 * MINUTE, totalMs: 24 * 60 * MINUTE },
};

interface Row {
  /** The user message; faults ride on it. */
  text: string;
  lane?: Lane;
  /** Only the first request of this task gets `once`; later ones are clean. */
  once?: Fault;
  expect: { state: TaskView['state']; code?: string };
}

const MATRIX: Row[] = [
  {
    text: '429 with Retry-After',
    once: { kind: 'status', status: 429, headers: { 'retry-after': '1' } },
    expect: { state: 'succeeded' },
  },
  { text: '429 bare', once: { kind: 'status', status: 429 }, expect: { state: 'succeeded' } },
  { text: '500 once', once: { kind: 'status', status: 500 }, expect: { state: 'succeeded' } },
  { text: '502 once', once: { kind: 'status', status: 502 }, expect: { state: 'succeeded' } },
  { text: '503 once', once: { kind: 'status', status: 503 }, expect: { state: 'succeeded' } },
  {
    text: 'reset mid-stream once',
    once: { kind: 'reset', afterChunks: 2 },
    expect: { state: 'succeeded' },
  },
  {
    text: 'error chunk once',
    once: { kind: 'stream-error', afterChunks: 1 },
    expect: { state: 'succeeded' },
  },
  {
    // The provider's limit after OpenClaw's own retries, reported in the stream.
    text: 'provider rate limit in the stream once',
    once: { kind: 'stream-error', type: 'rate_limit_error', message: 'rate limit exceeded' },
    expect: { state: 'succeeded' },
  },
  { text: 'always [[fault:500]]', expect: { state: 'failed', code: 'upstream_error' } },
  // An absent gateway is waited out, spending no attempt, until the lane's cap.
  { text: 'always [[fault:503]]', expect: { state: 'failed', code: 'gateway_unreachable' } },
  { text: 'always [[fault:reset:2]]', expect: { state: 'failed', code: 'gateway_unreachable' } },
  { text: 'always [[fault:stream-error]]', expect: { state: 'failed', code: 'upstream_error' } },
  { text: 'always [[fault:malformed]]', expect: { state: 'failed', code: 'bad_response' } },
  { text: 'always [[fault:400]]', expect: { state: 'failed', code: 'bad_response' } },
  { text: 'always [[fault:no-headers]]', expect: { state: 'timed_out', code: 'stall_timeout' } },
  // Five minutes without a byte: a background task's stall limit is ten, so it carries on;
  // the short lane's whole budget is five, so it times out; silence for good stalls out.
  {
    text: 'long lane [[fault:pause:1000]]',
    lane: 'long',
    expect: { state: 'succeeded' },
  },
  {
    text: 'short lane [[fault:pause:1000]]',
    lane: 'short',
    expect: { state: 'timed_out', code: 'timeout' },
  },
  { text: 'for good [[fault:silence]]', expect: { state: 'timed_out', code: 'stall_timeout' } },
];

describe('upstream fault matrix', () => {
  const env = withFakeGateway({ chunkDelayMs: 2 });

  it('waits out a wrong token, then ends every faulted task as the table says', async () => {
    const dbPath = join(env.dir.path, 'db.sqlite');
    const settings = {
      maxAttempts: 2,
      retryBaseMs: 50,
      // Faults here are per task: the breaker must not hold the clean retries back.
      breaker: { failureThreshold: 1000, coolDownMs: 100 },
      lanes: LANES,
      healthProbe: { minMs: 50, maxMs: 400 },
      // The rows that wait for an absent gateway ask again and again: not this test's limit.
      rateLimit: { perWindow: 1000, windowMs: 60_000, maxConcurrent: 5 },
      providerPauseMs: 300,
      waitCaps: {
        gatewayMs: { interactive: 1500, short: 1500, long: 1500 },
        rateLimitMs: 60_000,
      },
    };
    const token = env.gateway.token;
    const refusing = startWorkerCore(dbPath, env.gateway, {
      ...settings,
      gateway: { url: env.gateway.url, token: 'not-the-token', agentId: 'main' },
    });
    let core = (env.core = refusing.core);
    const conversations: string[] = [];
    for (const row of MATRIX) {
      const outcome = await core.dispatch('chat.send', { text: row.text, lane: row.lane });
      if (!outcome.ok) throw new Error(outcome.error.message);
      conversations.push((outcome.result as { conversation: { id: string } }).conversation.id);
    }

    // Wrong token: the first request is refused, then everyone waits, spending nothing.
    await until(async () => (await status(core)).auth.state === 'rejected');
    await until(async () =>
      (await historyOf(core, conversations)).some((t) => t.error?.code === 'unauthorized'),
    );
    const waiting = await historyOf(core, conversations);
    expect(waiting.filter((t) => t.state !== 'queued' && t.state !== 'running')).toEqual([]);
    const refused = env.gateway.chatRequests().length;
    await new Promise((r) => setTimeout(r, 300));
    expect(env.gateway.chatRequests().length).toBe(refused);
    await core.close();

    // Restarted with the right token, the faults armed: the same tasks run the matrix.
    const seen = new Set<string>();
    env.gateway.configure({
      fault: (request) => {
        const body = request.body as { messages?: { content?: string }[] };
        const text = body.messages?.at(-1)?.content ?? '';
        const row = MATRIX.find((r) => r.text === text);
        if (!row?.once || seen.has(text)) return undefined;
        seen.add(text);
        return row.once;
      },
    });
    const started = startWorkerCore(dbPath, env.gateway, settings);
    core = env.core = started.core;
    const tasks = await allFinished(core, conversations, 25_000);
    for (const row of MATRIX) {
      const task = tasks.find((t) => t.prompt === row.text);
      const why = `${row.text}: ${task?.state} ${task?.error?.code} ${task?.error?.message}`;
      expect(task?.state, why).toBe(row.expect.state);
      if (row.expect.state === 'succeeded') {
        // A retry after a cut stream starts over: the output is the reply once, not twice.
        expect(task?.output, why).toBe(`Echo: ${row.text}`);
      } else {
        expect(task?.error?.code, why).toBe(row.expect.code);
        expect(task?.error?.message.length, why).toBeGreaterThan(10);
        expect(task?.error?.message, why).not.toContain(token);
      }
    }
    expect([...seen].sort()).toEqual(
      MATRIX.filter((r) => r.once)
        .map((r) => r.text)
        .sort(),
    );
    // The 429 paused everyone: the limiter reported a pause while the matrix ran, and one of
    // them the provider's (through OpenClaw), at least `providerPauseMs` long.
    const pauses = started.events.flatMap((e) =>
      e.type === 'upstream' && e.status.limiter.pausedUntil !== null ? [e.status.limiter] : [],
    );
    expect(pauses.length).toBeGreaterThan(0);
    expect(pauses.some((p) => p.pauseCause === 'provider')).toBe(true);
    // Waiting for an absent gateway and the provider's limit spent no attempt: only the
    // faults that are this request's own did.
    for (const text of ['always [[fault:503]]', 'always [[fault:reset:2]]', '429 bare']) {
      expect(tasks.find((t) => t.prompt === text)?.failures, text).toBe(0);
    }
  });
});

async function status(core: ClawDeskCore) {
  const outcome = await core.dispatch('upstream.status', {});
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.result as { auth: { state: string } };
}

async function historyOf(core: ClawDeskCore, conversations: string[]): Promise<TaskView[]> {
  const all: TaskView[] = [];
  for (const conversationId of conversations) {
    const outcome = await core.dispatch('chat.history', { conversationId });
    if (outcome.ok) all.push(...(outcome.result as TaskView[]));
  }
  return all;
}

async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
