import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startFakeGateway,
  type FakeGateway,
  type FakeGatewayOptions,
} from '../helpers/fake-gateway.ts';
import { chatCall, completionIdOf, streamedText } from '../openclaw/support/chat-call.ts';
import { connectOperator, readHistory, type ConnectError } from '../openclaw/support/operator.ts';
import { httpGet, probe } from '../openclaw/support/readiness.ts';
import { choiceOf, waitForHistory } from '../openclaw/support/scenario.ts';

/**
 * The fake gateway's OpenClaw behaviour (test/helpers/fake-gateway.ts), each switch on its own.
 * test/openclaw/fake-parity.test.ts checks the same shapes against the real gateway.
 */
let gateway: FakeGateway;
const start = async (options: FakeGatewayOptions = {}) => {
  gateway = await startFakeGateway({ chunkDelayMs: 1, ...options });
  return gateway;
};
afterEach(() => gateway?.close());

const ask = (text: string, session = 'clawdesk:c1', stream = true) =>
  chatCall({ url: gateway.url, token: gateway.token, sessionKey: session, text, stream });
const history = (session = 'clawdesk:c1') => readHistory(gateway, session);
const recorded = (session = 'clawdesk:c1', users = 1) =>
  waitForHistory(
    gateway,
    session,
    (h) => h.messages.filter((m) => m.role === 'user').length >= users,
    5_000,
    20,
  );

describe('the fake gateway, like OpenClaw', () => {
  it('answers /health and /readyz without a token', async () => {
    await start();
    const health = await httpGet(`${gateway.url}/health`);
    const ready = await httpGet(`${gateway.url}/readyz`);
    expect([health.status, JSON.parse(health.body)]).toEqual([200, { ok: true, status: 'live' }]);
    expect(JSON.parse(ready.body)).toMatchObject({ ready: true });
  });

  it('keeps a transcript read over its WebSocket: the text sent, and the stream id as run id', async () => {
    await start();
    const call = await ask('hello');
    const h = await history();
    expect(h.messages).toHaveLength(2);
    expect(h.messages[0]).toMatchObject({ role: 'user', content: 'hello' });
    expect(h.messages[0]?.idempotencyKey).toMatch(/^[0-9a-f-]{36}:user$/);
    expect(h.messages[0]?.timestamp).toBeGreaterThanOrEqual(call.sentAt);
    expect(h.messages[1]).toMatchObject({
      role: 'assistant',
      stopReason: 'stop',
      content: [{ type: 'text', text: 'Echo: hello' }],
    });
    expect(h.messages[1]?.__openclaw?.runId).toBe(completionIdOf(call));
    expect(h.sessionKey).toBe('agent:main:clawdesk:c1');
    expect(h.sessionInfo).toMatchObject({
      status: 'done',
      lastRunId: completionIdOf(call),
      hasActiveRun: false,
    });
    expect(gateway.history('agent:main:clawdesk:c1')).toEqual(h);
  });

  it('refuses an operator with a wrong token as OpenClaw does', async () => {
    await start();
    const error = (await connectOperator(gateway.wsUrl, 'nope').catch(
      (e: ConnectError) => e,
    )) as ConnectError;
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.details?.code).toBe('AUTH_TOKEN_MISMATCH');
  });

  it('off by default: two turns of one session run at once, role chunk with the first text', async () => {
    await start({ firstChunkDelayMs: 200 });
    const [a, b] = await Promise.all([ask('one'), ask('two')]);
    expect(Math.abs(a.endMs! + a.sentAt - (b.endMs! + b.sentAt))).toBeLessThan(150);
    expect(choiceOf(a.events[0])?.delta).toEqual({ role: 'assistant' });
    expect(a.events[0]!.ms).toBeGreaterThanOrEqual(190);
  });

  it("turns: 'queue' holds a second turn behind the first, role chunk at once, unseen until it runs", async () => {
    await start({ openclaw: true });
    const first = ask('first [[delay:400]]');
    await recorded();
    const second = ask('second');
    await sleep(150);
    const during = await history();
    const [a, b] = await Promise.all([first, second]);
    expect(b.events[0]!.ms).toBeLessThan(100);
    expect(b.sentAt + b.events[1]!.ms).toBeGreaterThanOrEqual(a.sentAt + a.endMs!);
    expect(during.messages.map((m) => m.content)).toEqual(['first [[delay:400]]']);
    expect(during.inFlightRun?.runId).toBe(completionIdOf(a));
    const after = await history();
    expect(after.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(after.messages[3]?.__openclaw?.runId).toBe(completionIdOf(b));
  });

  it("turns: 'refuse' answers a turn on a busy session with OpenClaw's in-stream internal error", async () => {
    await start({ openclaw: { turns: 'refuse' } });
    const first = ask('first [[delay:300]]');
    await recorded();
    const second = await ask('second');
    await first;
    expect(second.status).toBe(200);
    expect(second.events.map((e) => e.data).slice(-2)).toEqual([
      '{"error":{"message":"internal error","type":"api_error"}}',
      '[DONE]',
    ]);
    expect((await history()).messages.map((m) => m.content)).not.toContain('second');
  });

  it('records a client that hangs up mid-turn as killed, without an answer', async () => {
    await start({ openclaw: true });
    const abort = new AbortController();
    const call = chatCall({
      ...gateway,
      sessionKey: 'clawdesk:c1',
      text: 'bye [[delay:5000]]',
      signal: abort.signal,
    });
    await recorded();
    abort.abort();
    await call;
    const h = await waitForHistory(
      gateway,
      'clawdesk:c1',
      (x) => !x.sessionInfo.hasActiveRun,
      5_000,
      20,
    );
    expect(h.history.messages.map((m) => m.role)).toEqual(['user']);
    expect(h.history.sessionInfo).toMatchObject({ status: 'killed', abortedLastRun: true });
  });

  it('relays a provider that keeps failing: in-stream rate_limit_error, whole 429 without Retry-After', async () => {
    await start({ openclaw: true });
    const streamed = await ask('x [[fault:provider-429:50]]');
    const whole = await ask('y [[fault:provider-429]]', 'clawdesk:c2', false);
    const broken = await ask('z [[fault:provider-500]]', 'clawdesk:c3');
    expect(streamed.status).toBe(200);
    expect(streamed.events[1]?.json?.error).toMatchObject({ type: 'rate_limit_error' });
    expect(streamed.endMs).toBeGreaterThanOrEqual(50);
    expect(whole.status).toBe(429);
    expect(whole.headers?.['retry-after']).toBeUndefined();
    expect(broken.events[1]?.json?.error).toEqual({
      message: 'upstream provider error',
      type: 'api_error',
    });
    const h = await history();
    expect(h.messages[1]).toMatchObject({ role: 'assistant', stopReason: 'error' });
    expect(h.sessionInfo.status).toBe('failed');
  });

  it('records a tool follow-up as OpenClaw does: a user message "Tool:<id>: <content>"', async () => {
    await start({ openclaw: true });
    const call = await ask('[[tool:read_file]] [[args:{"path":"a"}]]');
    const id = (choiceOf(call.events[1])?.delta?.tool_calls as { id: string }[])[0]!.id;
    expect(choiceOf(call.events[0])?.delta).toEqual({ role: 'assistant' });
    await chatCall({
      ...gateway,
      sessionKey: 'clawdesk:c1',
      messages: [{ role: 'tool', tool_call_id: id, content: 'body' }],
    });
    const h = await history();
    expect(h.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(h.messages[1]).toMatchObject({ stopReason: 'toolUse' });
    expect(h.messages[2]?.content).toBe(`Tool:${id}: body`);
  });
});

describe('the fake gateway through outages', () => {
  it('crash(): drops the stream, refuses while down, and after start() a recovery run answers the cut turn', async () => {
    await start({ openclaw: { recoveryTiming: { pendingMs: 100, answerMs: 100 } } });
    const call = ask('cut [[delay:5000]]');
    const { history: before } = await recorded();
    await gateway.crash();
    const cut = await call;
    const down = await probe(`${gateway.url}/v1/models`, gateway.token);
    await gateway.start();
    const first = await history();
    const done = await waitForHistory(
      gateway,
      'clawdesk:c1',
      (h) => h.sessionInfo.status === 'done',
      5_000,
      20,
    );
    expect([cut.status, cut.error, streamedText(cut)]).toEqual([200, 'ECONNRESET', '']);
    expect(down.outcome).toBe('ECONNREFUSED');
    expect(first.sessionInfo).toMatchObject({
      status: 'running',
      abortedLastRun: true,
      hasActiveRun: true,
    });
    expect(first.pendingInputs?.total).toBe(1);
    const [user, recovery, answer] = done.history.messages;
    expect(user?.idempotencyKey).toBe(before.messages[0]?.idempotencyKey);
    expect(recovery?.provenance).toMatchObject({ sourceTool: 'main_session_restart_recovery' });
    expect(answer).toMatchObject({
      role: 'assistant',
      content: [{ text: 'Echo: cut [[delay:5000]]' }],
    });
    expect(recovery?.idempotencyKey).toBe(`${answer?.__openclaw?.runId}:user`);
    expect(done.seen.some((h) => h.inFlightRun?.runId === answer?.__openclaw?.runId)).toBe(true);
  });

  it('recovery off: the cut turn stays unanswered', async () => {
    await start({ openclaw: { recovery: false } });
    const call = ask('cut [[delay:5000]]');
    await recorded();
    await gateway.crash();
    await call;
    await gateway.start();
    await sleep(100);
    expect((await history()).messages.map((m) => m.role)).toEqual(['user']);
  });

  it('stopGracefully(): 503 gateway_unavailable (HTTP and WebSocket) while the running turn finishes, then refused', async () => {
    await start({ openclaw: true });
    const running = ask('drain [[delay:300]]');
    await recorded();
    const operator = await connectOperator(gateway.wsUrl, gateway.token);
    const stopping = gateway.stopGracefully();
    const refused = await ask('new', 'clawdesk:c2');
    const health = await httpGet(`${gateway.url}/health`);
    const history = await operator.history('clawdesk:c1').catch((e: ConnectError) => e);
    const upgrade = await connectOperator(gateway.wsUrl, gateway.token).catch(
      (e: ConnectError) => e,
    );
    await operator.close();
    expect(history).toMatchObject({
      code: 'UNAVAILABLE',
      details: { reason: 'gateway-restarting' },
    });
    expect(upgrade).toMatchObject({ details: { httpStatus: 503 } });
    await stopping;
    const finished = await running;
    expect(refused.status).toBe(503);
    expect(refused.headers?.['retry-after']).toBe('1');
    expect(JSON.parse(refused.body)).toEqual({
      error: {
        message: 'Gateway is temporarily unavailable while suspending or restarting',
        type: 'service_unavailable',
        code: 'gateway_unavailable',
      },
    });
    expect(health.status).toBe(200);
    expect(streamedText(finished)).toBe('Echo: drain [[delay:300]]');
    expect((await probe(`${gateway.url}/health`)).outcome).toBe('ECONNREFUSED');
  });

  it('restart(): refused while down, 503 while starting when asked, then up on the same port', async () => {
    await start();
    const seen: (number | string)[] = [];
    const restarting = gateway.restart({ downMs: 150, startingMs: 150 });
    for (let i = 0; i < 40; i++) {
      const p = await probe(`${gateway.url}/v1/models`, gateway.token);
      if (seen.at(-1) !== p.outcome) seen.push(p.outcome);
      await sleep(10);
    }
    await restarting;
    expect(seen).toEqual(['ECONNREFUSED', 503, 200]);
  });
});
