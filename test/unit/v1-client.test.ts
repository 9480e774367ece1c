import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../src/shared/worker-protocol.ts';
import { UpstreamError, streamChat } from '../../src/worker/v1-client.ts';
import { startFakeGateway } from '../helpers/fake-gateway.ts';
import type { FakeGateway } from '../helpers/fake-gateway.ts';

let gw: FakeGateway;

beforeEach(async () => {
  gw = await startFakeGateway();
});
afterEach(async () => {
  await gw.close();
});

function jobFor(overrides: Partial<Job> = {}, gateway: Partial<Job['gateway']> = {}): Job {
  return {
    taskId: 'task-1',
    attempt: 1,
    text: 'hello there world',
    sessionKey: 'clawdesk:conversation-1',
    gateway: { url: gw.url, token: gw.token, agentId: 'main', ...gateway },
    timeouts: { headersMs: 5_000, stallMs: 5_000, totalMs: 15_000 },
    ...overrides,
  };
}

async function run(job: Job, signal?: AbortSignal) {
  const deltas: string[] = [];
  const outcome = await streamChat(job, { signal, onDelta: (t) => deltas.push(t) });
  return { deltas, outcome };
}

/** Runs a job that must fail; returns the error and the text streamed before it. */
async function failure(job: Job, signal?: AbortSignal) {
  const deltas: string[] = [];
  const error = await streamChat(job, { signal, onDelta: (t) => deltas.push(t) }).then(
    () => expect.fail('streamChat resolved, expected a failure'),
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  const upstream = error as UpstreamError;
  expect(upstream.message).not.toContain(job.gateway.token);
  return { error: upstream, text: deltas.join('') };
}

describe('streamChat: the request', () => {
  it('sends only the new message, the agent and the session key', async () => {
    await run(jobFor());
    const [request] = gw.chatRequests();
    expect(request?.method).toBe('POST');
    expect(request?.headers.authorization).toBe(`Bearer ${gw.token}`);
    expect(request?.headers['x-openclaw-agent-id']).toBe('main');
    expect(request?.headers['x-openclaw-session-key']).toBe('clawdesk:conversation-1');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toEqual({
      model: 'openclaw/main',
      stream: true,
      messages: [{ role: 'user', content: 'hello there world' }],
      user: 'clawdesk:conversation-1',
    });
  });

  it('accepts a gateway URL with a trailing slash', async () => {
    const { outcome } = await run(jobFor({}, { url: `${gw.url}/` }));
    expect(outcome.finishReason).toBe('stop');
    expect(gw.chatRequests()).toHaveLength(1);
  });
});

describe('streamChat: a streamed answer', () => {
  it('hands over every delta in order and returns usage and finish reason', async () => {
    const { deltas, outcome } = await run(jobFor());
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Echo: hello there world');
    expect(outcome).toEqual({
      finishReason: 'stop',
      usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 },
    });
  });

  it('keeps the stall timer alive as long as bytes keep coming', async () => {
    gw.configure({ chunkDelayMs: 60 });
    const text = 'one two three four five six seven eight nine ten';
    const job = jobFor({ text });
    // Eleven chunks 60 ms apart: the whole answer takes well over stallMs.
    job.timeouts.stallMs = 400;
    const { deltas } = await run(job);
    expect(deltas.join('')).toBe(`Echo: ${text}`);
  });
});

describe('streamChat: HTTP errors', () => {
  it('reports a refused token as unauthorized, not retryable', async () => {
    const { error } = await failure(jobFor({}, { token: 'wrong-token-123' }));
    expect(error.code).toBe('unauthorized');
    expect(error.retryable).toBe(false);
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/gateway rejected the token \(HTTP 401\)/);
  });

  it('reports 429 with the Retry-After the gateway asked for', async () => {
    gw.failNext({ kind: 'status', status: 429, headers: { 'retry-after': '7' } });
    const { error } = await failure(jobFor());
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, status: 429 });
    expect(error.retryAfterMs).toBe(7_000);
    expect(error.message).toContain('retry after 7 s');
  });

  it('prefers retry-after-ms and says when no Retry-After came', async () => {
    gw.failNext(
      { kind: 'status', status: 429, headers: { 'retry-after-ms': '1500', 'retry-after': '9' } },
      { kind: 'status', status: 429 },
    );
    expect((await failure(jobFor())).error.retryAfterMs).toBe(1_500);
    const { error } = await failure(jobFor());
    expect(error.retryAfterMs).toBeNull();
    expect(error.message).toContain('no Retry-After');
    expect(error.message).toContain('Rate limit exceeded');
  });

  it.each([
    [500, 'internal error', 'upstream_error', false],
    [502, 'upstream provider error', 'gateway_unreachable', true],
  ])(
    'reports %i with the gateway message (%s): a 502 says the gateway is away, not this request',
    async (status, words, code, outage) => {
      gw.failNext({ kind: 'status', status });
      const { error } = await failure(jobFor());
      expect(error).toMatchObject({ code, retryable: true, status, outage });
      expect(error.message).toContain(words);
    },
  );

  it('reports a rejected request as a bad response with the gateway message', async () => {
    const { error } = await failure(jobFor({}, { agentId: 'no such agent' }));
    expect(error).toMatchObject({ code: 'bad_response', retryable: false, status: 400 });
    expect(error.message).toContain('Invalid model');
  });

  it('says how to enable the endpoint when the gateway answers 404', async () => {
    gw.configure({ chatCompletionsEnabled: false });
    const { error } = await failure(jobFor());
    expect(error).toMatchObject({ code: 'bad_response', retryable: false, status: 404 });
    expect(error.message).toContain('gateway.http.endpoints.chatCompletions.enabled');
  });
});

describe('streamChat: broken streams', () => {
  it('reports an error chunk inside a 200 stream, after the text before it', async () => {
    gw.failNext({ kind: 'stream-error', message: 'provider overloaded', afterChunks: 2 });
    const { error, text } = await failure(jobFor());
    expect(error).toMatchObject({ code: 'upstream_error', retryable: true, status: 200 });
    expect(error.message).toContain('provider overloaded');
    expect(text).toBe('Echo: hello ');
  });

  it('reports a connection dropped mid-stream as a retryable stream error', async () => {
    gw.failNext({ kind: 'reset', afterChunks: 2 });
    const { error, text } = await failure(jobFor());
    expect(error).toMatchObject({ code: 'stream_error', retryable: true });
    expect(text).toBe('Echo: hello ');
  });

  it('reports a stream that ends cleanly without [DONE] as a stream error', async () => {
    gw.failNext({ kind: 'no-done', afterChunks: 4 });
    const { error, text } = await failure(jobFor());
    expect(error).toMatchObject({ code: 'stream_error', retryable: true });
    expect(error.message).toContain('[DONE]');
    expect(text).toBe('Echo: hello there world');
  });

  it('reports a chunk that is not JSON as a bad response', async () => {
    gw.failNext({ kind: 'malformed', afterChunks: 1 });
    const { error } = await failure(jobFor());
    expect(error).toMatchObject({ code: 'bad_response', retryable: false });
    expect(error.message).toContain('malformed');
  });
});

describe('streamChat: connection, timeouts, abort', () => {
  it('names the URL when the connection is refused', async () => {
    const closed = await startFakeGateway();
    await closed.close();
    const { error } = await failure(jobFor({}, { url: closed.url }));
    expect(error).toMatchObject({ code: 'gateway_unreachable', retryable: true, status: null });
    expect(error.message).toContain(`connection refused at ${closed.url}`);
  });

  it('fails with stall_timeout when the gateway goes silent mid-stream', async () => {
    gw.failNext({ kind: 'silence', afterChunks: 2 });
    const job = jobFor();
    job.timeouts.stallMs = 200;
    const { error, text } = await failure(job);
    expect(error).toMatchObject({ code: 'stall_timeout', retryable: true });
    expect(error.message).toContain('0.2 s');
    expect(text).toBe('Echo: hello ');
    await until(() => gw.stats.inFlight === 0);
  });

  it('fails with stall_timeout when no headers come', async () => {
    gw.failNext({ kind: 'no-headers' });
    const job = jobFor();
    job.timeouts.headersMs = 200;
    const { error } = await failure(job);
    expect(error.code).toBe('stall_timeout');
    expect(error.message).toContain('headers timeout');
  });

  it('fails with timeout when the whole run exceeds totalMs, even while streaming', async () => {
    gw.configure({ chunkDelayMs: 50 });
    const job = jobFor({ text: Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ') });
    job.timeouts.totalMs = 300;
    const { error, text } = await failure(job);
    expect(error).toMatchObject({ code: 'timeout', retryable: false });
    expect(text.length).toBeGreaterThan(0);
  });

  it('stops with aborted when the signal fires mid-stream', async () => {
    gw.configure({ chunkDelayMs: 30 });
    const controller = new AbortController();
    const deltas: string[] = [];
    const result = streamChat(jobFor({ text: 'a b c d e f g h i j k l m n o p' }), {
      signal: controller.signal,
      onDelta: (t) => {
        deltas.push(t);
        controller.abort();
      },
    });
    await expect(result).rejects.toMatchObject({ code: 'aborted', retryable: false });
    expect(deltas).toEqual(['Echo: ']);
    // The upstream request is really gone, not left streaming into nowhere.
    await until(() => gw.stats.inFlight === 0);
  });

  it('does not start when the signal has already fired', async () => {
    const { error } = await failure(jobFor(), AbortSignal.abort());
    expect(error.code).toBe('aborted');
  });
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}
