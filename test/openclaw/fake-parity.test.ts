/**
 * The same scenarios and the same assertions against the real OpenClaw gateway and the fake one
 * (test/helpers/fake-gateway.ts with `openclaw` behaviour on): one turn at a time per session,
 * 503 while draining, the transcript after a cut turn and its recovery, and the chat.history
 * shape. When OpenClaw changes, this file says where the fake has to follow.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatCall, completionIdOf, streamedText } from './support/chat-call.ts';
import { useOpenClaw } from './support/fixture.ts';
import {
  connectOperator,
  messageText,
  readHistory,
  type ChatHistory,
  type ConnectError,
} from './support/operator.ts';
import { httpGet, probe } from './support/readiness.ts';
import { choiceOf, freshSession, waitForHistory } from './support/scenario.ts';
import { fakeTarget, realTarget, type GatewayTarget } from './support/targets.ts';

const real = useOpenClaw();
let fake: Awaited<ReturnType<typeof fakeTarget>>;
beforeAll(async () => {
  fake = await fakeTarget();
});
afterAll(() => fake?.fake.close());

const targets = { fake: () => fake as GatewayTarget, real: () => realTarget(real.gateway) };
const UNAVAILABLE = {
  error: {
    message: 'Gateway is temporarily unavailable while suspending or restarting',
    type: 'service_unavailable',
    code: 'gateway_unavailable',
  },
};
const RECOVERY = /^\[System\] Your previous turn was interrupted by a gateway restart/;

/** Until the user message of the running turn is in the transcript: the model call started. */
const modelStarted = (t: GatewayTarget, session: string, count: number) =>
  waitForHistory(
    t,
    session,
    (h) => h.messages.filter((m) => m.role === 'user').length >= count,
    60_000,
    250,
  );

describe.each(['fake', 'real'] as const)('the %s gateway', (name) => {
  it('runs one turn per session: a second one waits, unseen, and runs after the first', async () => {
    const t = targets[name]();
    const session = freshSession('p-turns');
    const first = chatCall({ ...t, sessionKey: session, text: 'first [[delay:4000]]' });
    await modelStarted(t, session, 1);
    const second = chatCall({ ...t, sessionKey: session, text: 'second' });
    await sleep(1_500);
    const during = await readHistory(t, session);
    const [a, b] = await Promise.all([first, second]);
    const after = await readHistory(t, session);

    expect(b.status).toBe(200);
    expect(choiceOf(b.events[0])?.delta).toEqual({ role: 'assistant' });
    expect(b.events[0]!.ms).toBeLessThan(3_000);
    const firstEnd = a.sentAt + a.endMs!;
    expect(b.sentAt + b.events[1]!.ms).toBeGreaterThanOrEqual(firstEnd - 50);
    expect(during.messages.map((m) => messageText(m))).toEqual(['first [[delay:4000]]']);
    expect(during.pendingInputs?.total ?? 0).toBe(0);
    expect(during.sessionInfo).toMatchObject({ status: 'running', hasActiveRun: true });
    expect(during.inFlightRun?.runId).toBe(completionIdOf(a));
    expectDoneTurns(after, [
      ['first [[delay:4000]]', completionIdOf(a)],
      ['second', completionIdOf(b)],
    ]);
    expect(streamedText(b)).toMatch(/you said "second"$/);
  });

  it('says it has started on /startupz, without a token', async () => {
    const t = targets[name]();
    const startup = await httpGet(`${t.url}/startupz`);
    expect([startup.status, JSON.parse(startup.body)]).toEqual([
      200,
      expect.objectContaining({ ok: true, status: 'started' }),
    ]);
  });

  it('answers chat.history for an unknown session, and refuses a wrong token by name', async () => {
    const t = targets[name]();
    const unknown = await readHistory(t, freshSession('p-never'));
    const refused = await connectOperator(t.wsUrl, 'wrong-token').catch((e: ConnectError) => e);
    expect(unknown.messages).toEqual([]);
    expect(unknown.sessionInfo).toMatchObject({ hasActiveRun: false, activeRunIds: [] });
    expect(unknown.sessionInfo.status).toBeUndefined();
    expect((refused as ConnectError).code).toBe('INVALID_REQUEST');
    expect((refused as ConnectError).details?.code).toBe('AUTH_TOKEN_MISMATCH');
  });

  it('answers 503 / UNAVAILABLE (HTTP, WebSocket) while it drains, finishes the running turn, then refuses', async () => {
    const t = targets[name]();
    const session = freshSession('p-drain');
    const running = chatCall({ ...t, sessionKey: session, text: 'drain [[delay:4000]]' });
    await modelStarted(t, session, 1);
    const operator = await connectOperator(t.wsUrl, t.token);
    const stopping = t.stopGracefully();
    await sleep(300);
    const refused = await chatCall({ ...t, sessionKey: freshSession('p-new'), text: 'new' });
    const models = await httpGet(`${t.url}/v1/models`, t.token);
    const health = await httpGet(`${t.url}/health`);
    const startup = await httpGet(`${t.url}/startupz`);
    const ready = await httpGet(`${t.url}/readyz`);
    const history = await operator.history(session).catch((e: ConnectError) => e);
    const upgrade = await connectOperator(t.wsUrl, t.token).catch((e: ConnectError) => e);
    await operator.close();
    await stopping;
    const finished = await running;
    const down = await probe(`${t.url}/v1/models`, t.token);
    await t.start();

    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toEqual(UNAVAILABLE);
    expect(refused.headers?.['retry-after']).toBe('1');
    expect(models.status).toBe(503);
    expect(health.status).toBe(200);
    // ClawDesk's health probe: "draining" on /startupz, as on /readyz.
    expect([startup.status, JSON.parse(startup.body)]).toEqual([
      503,
      expect.objectContaining({ ok: false, status: 'draining' }),
    ]);
    expect([ready.status, JSON.parse(ready.body)]).toEqual([
      503,
      expect.objectContaining({ ready: false, failing: ['gateway-draining'] }),
    ]);
    expect(history).toMatchObject({
      code: 'UNAVAILABLE',
      details: { method: 'chat.history', reason: 'gateway-restarting' },
    });
    expect(upgrade).toMatchObject({ details: { httpStatus: 503 } });
    expect(String(upgrade)).toContain('Gateway websocket admission closed');
    expect(finished.events.at(-1)?.data).toBe('[DONE]');
    expect(choiceOf(finished.events.at(-2))?.finish_reason).toBe('stop');
    expect(down.outcome).toBe('ECONNREFUSED');
  });

  it('after a crash mid-turn keeps the cut turn and answers it with its own recovery run', async () => {
    const t = targets[name]();
    const session = freshSession('p-cut');
    const text = 'cut [[delay:6000]]';
    const call = chatCall({ ...t, sessionKey: session, text });
    const { history: before } = await modelStarted(t, session, 1);
    await t.crash();
    const cut = await call;
    const whileDown = await chatCall({ ...t, sessionKey: session, text: 'while down' });
    await t.start();
    const first = await readHistory(t, session);
    const done = (h: ChatHistory) => h.sessionInfo.status === 'done' && !h.sessionInfo.hasActiveRun;
    const { history } = await waitForHistory(t, session, done, 180_000, 1_000);

    expect(cut.status).toBe(200);
    expect(cut.error).toBe('ECONNRESET');
    expect(streamedText(cut)).toBe('');
    expect(whileDown.error).toBe('ECONNREFUSED');
    expect(first.messages[0]).toMatchObject({ role: 'user', content: text });
    expect(first.messages[0]?.idempotencyKey).toBe(before.messages[0]?.idempotencyKey);
    expect(first.sessionInfo).toMatchObject({ status: 'running', hasActiveRun: true });
    const [user, recovery, answer, ...rest] = history.messages;
    expect(rest).toEqual([]);
    expect(user).toMatchObject({ role: 'user', content: text });
    expect(recovery).toMatchObject({
      role: 'user',
      provenance: { kind: 'internal_system', sourceTool: 'main_session_restart_recovery' },
    });
    expect(messageText(recovery!)).toMatch(RECOVERY);
    const runId = answer?.__openclaw?.runId;
    expect(answer).toMatchObject({ role: 'assistant', stopReason: 'stop' });
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(recovery?.idempotencyKey).toBe(`${runId}:user`);
    expect(history.sessionInfo).toMatchObject({ lastRunId: runId, activeRunIds: [] });
  });
});

/** Each pair: the user text, and the run id its answer carries; the session is done. */
function expectDoneTurns(history: ChatHistory, turns: [string, string | undefined][]): void {
  expect(history.messages.map((m) => m.role)).toEqual(turns.flatMap(() => ['user', 'assistant']));
  turns.forEach(([text, runId], i) => {
    const user = history.messages[2 * i]!;
    const answer = history.messages[2 * i + 1]!;
    expect(user.content).toBe(text);
    expect(user.idempotencyKey).toMatch(/^[0-9a-f-]{36}:user$/);
    expect(answer).toMatchObject({ stopReason: 'stop', content: [{ type: 'text' }] });
    expect(answer.__openclaw?.runId).toBe(runId);
  });
  expect(history.sessionId).toEqual(expect.any(String));
  expect(history.sessionInfo).toMatchObject({
    status: 'done',
    hasActiveRun: false,
    activeRunIds: [],
    abortedLastRun: false,
    lastRunId: turns.at(-1)?.[1],
  });
}
