/**
 * What the real OpenClaw answers on its HTTP API and gateway WebSocket in normal operation:
 * a streamed turn and its transcript, refusals, two turns on one session, client tools, and a
 * client that hangs up. Exact shapes go to test-results/openclaw/observations.json; the
 * assertions are the parts ClawDesk and the fake gateway rely on.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.ts';
import { chatCall, completionIdOf, streamedText } from './support/chat-call.ts';
import { allFinished, sendOk, startClawDeskCore } from './support/clawdesk.ts';
import { useOpenClaw } from './support/fixture.ts';
import { observe } from './support/observations.ts';
import {
  connectOperator,
  messageText,
  readHistory,
  type ConnectError,
} from './support/operator.ts';
import { httpGet } from './support/readiness.ts';
import { brief, choiceOf, freshSession, streamShape, waitForHistory } from './support/scenario.ts';

const env = useOpenClaw();

describe('a streamed turn', () => {
  it('streams a role chunk at once, the text, a stop chunk and [DONE]; the transcript keeps both turns', async () => {
    const { gateway } = env;
    const session = freshSession('round-trip');
    const text = 'hello there';
    const call = await chatCall({
      url: gateway.url,
      token: gateway.token,
      sessionKey: session,
      text,
    });
    observe('a.stream', streamShape(call));
    expect(call.status).toBe(200);
    expect(call.headers?.['content-type']).toBe('text/event-stream; charset=utf-8');
    const id = completionIdOf(call);
    expect(id).toMatch(/^chatcmpl_[0-9a-f-]{36}$/);
    const [first] = call.events;
    expect(first?.json).toMatchObject({ object: 'chat.completion.chunk', model: 'openclaw' });
    expect(choiceOf(first)).toEqual({
      index: 0,
      delta: { role: 'assistant' },
      finish_reason: null,
    });
    expect(call.events.at(-2)?.json?.choices).toEqual([
      { index: 0, delta: {}, finish_reason: 'stop' },
    ]);
    expect(call.events.at(-1)?.data).toBe('[DONE]');
    expect(streamedText(call)).toMatch(/^FAKE-LLM reply #\d+: you said "hello there"$/);

    const history = await readHistory(gateway, session);
    observe('a.history', { brief: brief(history), messages: history.messages });
    const [user, assistant] = history.messages;
    expect(user).toMatchObject({ role: 'user', content: text });
    expect(user?.idempotencyKey).toMatch(/^[0-9a-f-]{36}:user$/);
    expect(Math.abs((user?.timestamp ?? 0) - call.sentAt)).toBeLessThan(3_000);
    expect(assistant).toMatchObject({ role: 'assistant', stopReason: 'stop' });
    expect(assistant?.content).toEqual([{ type: 'text', text: streamedText(call) }]);
    expect(assistant?.__openclaw?.runId).toBe(id);
    expect(history.sessionInfo).toMatchObject({
      status: 'done',
      hasActiveRun: false,
      activeRunIds: [],
      lastRunId: id,
      abortedLastRun: false,
    });
  });

  it('answers /health, /readyz and /startupz without a token, and refuses a wrong one', async () => {
    const { gateway } = env;
    const health = await httpGet(`${gateway.url}/health`);
    const ready = await httpGet(`${gateway.url}/readyz`);
    const startup = await httpGet(`${gateway.url}/startupz`);
    const models = await httpGet(`${gateway.url}/v1/models`, 'wrong-token');
    const chat = await chatCall({ url: gateway.url, token: 'wrong-token', text: 'hi' });
    const model = await chatCall({ ...gateway, model: 'gpt-4o', text: 'hi', stream: false });
    observe('a.refusals', {
      health: health.body,
      readyz: ready.body.slice(0, 200),
      startupz: startup.body.slice(0, 200),
      modelsWrongToken: [models.status, models.body],
      chatWrongToken: [chat.status, chat.body],
      unknownModel: [model.status, model.body],
    });
    expect([health.status, JSON.parse(health.body)]).toEqual([200, { ok: true, status: 'live' }]);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ ready: true });
    expect([startup.status, JSON.parse(startup.body)]).toEqual([
      200,
      expect.objectContaining({ ok: true, status: 'started' }),
    ]);
    expect(models.status).toBe(401);
    expect(chat.status).toBe(401);
    expect(model.status).toBe(400);
  });

  it('lets an operator read any session with the token, and refuses a wrong token by name', async () => {
    const { gateway } = env;
    const operator = await connectOperator(gateway.wsUrl, gateway.token);
    const unknown = await operator.history(freshSession('never-used'));
    await operator.close();
    const refused = await connectOperator(gateway.wsUrl, 'wrong-token').catch(
      (error: ConnectError) => error,
    );
    const hello = operator.hello as { protocol?: number; auth?: unknown; policy?: unknown };
    observe('ws.hello', { protocol: hello.protocol, auth: hello.auth, policy: hello.policy });
    observe('ws.unknownSession', brief(unknown));
    observe('ws.wrongToken', {
      message: String(refused),
      code: (refused as ConnectError).code,
      details: (refused as ConnectError).details,
    });
    expect(hello.protocol).toBe(4);
    expect(unknown.messages).toEqual([]);
    expect(unknown.sessionInfo).toMatchObject({ hasActiveRun: false, activeRunIds: [] });
    expect((refused as ConnectError).details?.code).toBe('AUTH_TOKEN_MISMATCH');
  });
});

describe('two turns on one session', () => {
  it('holds a turn sent while another runs: headers at once, silence, then its run after the first', async () => {
    const { gateway } = env;
    const session = freshSession('overlap');
    const first = chatCall({ ...gateway, sessionKey: session, text: 'first [[delay:8000]]' });
    await gateway.provider.waitForCall((c) => c.text === 'first [[delay:8000]]');
    const second = chatCall({ ...gateway, sessionKey: session, text: 'second' });
    await new Promise((r) => setTimeout(r, 3_000));
    const during = await readHistory(gateway, session);
    const [a, b] = await Promise.all([first, second]);
    const history = await readHistory(gateway, session);
    const secondCall = gateway.provider.calls.find((c) => c.text === 'second');
    observe('b.queued', {
      first: streamShape(a),
      second: streamShape(b),
      secondSentAfterFirstMs: b.sentAt - a.sentAt,
      secondModelCallAfterFirstEndMs: (secondCall?.at ?? 0) - (a.sentAt + (a.endMs ?? 0)),
      transcriptDuringFirst: brief(during),
      transcriptAfter: brief(history),
    });
    // The second stream opens at once and then says nothing until the first turn is over.
    expect(b.status).toBe(200);
    expect(b.events[0]?.ms).toBeLessThan(5_000);
    expect(b.events[1]?.ms ?? 0).toBeGreaterThan(a.endMs! - (b.sentAt - a.sentAt) - 500);
    expect(secondCall!.at).toBeGreaterThanOrEqual(a.sentAt + a.endMs! - 500);
    expect(streamedText(b)).toMatch(/you said "second"$/);
    // Invisible while it waits: not in the transcript, not a pending input.
    expect(during.messages.map((m) => messageText(m))).toEqual(['first [[delay:8000]]']);
    expect(during.pendingInputs?.total ?? 0).toBe(0);
    expect(history.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(history.messages[3]?.__openclaw?.runId).toBe(completionIdOf(b));
  });

  it('two turns sent at once on a new session: one runs; a refused one errors in-stream and leaves no trace', async () => {
    const { gateway } = env;
    const session = freshSession('at-once');
    const [a, b] = await Promise.all([
      chatCall({ ...gateway, sessionKey: session, text: 'one [[delay:3000]]' }),
      chatCall({ ...gateway, sessionKey: session, text: 'two' }),
    ]);
    const { history } = await waitForHistory(gateway, session, (h) => !h.sessionInfo.hasActiveRun);
    observe('b.atOnce', { one: streamShape(a), two: streamShape(b), transcript: brief(history) });
    const refused = [a, b].filter((r) => r.events.some((e) => e.json?.error));
    const answered = [a, b].filter((r) => !r.events.some((e) => e.json?.error));
    expect(answered.length).toBeGreaterThanOrEqual(1);
    for (const r of refused) {
      expect(r.status).toBe(200);
      expect(r.events.slice(-2).map((e) => e.data)).toEqual([
        JSON.stringify({ error: { message: 'internal error', type: 'api_error' } }),
        '[DONE]',
      ]);
    }
    const users = history.messages.filter((m) => m.role === 'user').map((m) => messageText(m));
    expect(users).toHaveLength(answered.length);
  });
});

describe('client tools', () => {
  const tools = [
    {
      type: 'function',
      function: {
        name: 'read_file',
        description: 'Read a file in the workspace',
        parameters: {
          type: 'object',
          properties: { path: { type: 'string' } },
          required: ['path'],
        },
      },
    },
  ];
  const ask = 'read it [[tool:tool_call]] [[args:{"id":"read_file","args":{"path":"notes.txt"}}]]';

  it('reach the model through tool_call; the client gets tool_calls and answers with only a tool message', async () => {
    const { gateway } = env;
    const session = freshSession('tools-on');
    const call = await chatCall({ ...gateway, sessionKey: session, text: ask, tools });
    const deltas = call.events.map((e) => choiceOf(e)?.delta?.tool_calls).filter(Boolean);
    const toolCall = (deltas[0] as { id: string; function: { name: string } }[])[0]!;
    const args = (deltas as { function?: { arguments?: string } }[][])
      .map((d) => d[0]?.function?.arguments ?? '')
      .join('');
    const follow = await chatCall({
      ...gateway,
      sessionKey: session,
      messages: [{ role: 'tool', tool_call_id: toolCall.id, content: 'hello from notes' }],
      tools,
    });
    const history = await readHistory(gateway, session);
    const modelCalls = gateway.provider.calls.filter((c) => c.text.includes('notes'));
    observe('e.toolsOn', {
      first: call.events.map((e) => `${e.ms}ms ${e.data}`),
      followUp: streamShape(follow),
      providerSaw: modelCalls.map((c) => ({
        text: c.text,
        toolNames: c.toolNames,
        outcome: c.outcome,
      })),
      transcript: brief(history),
    });
    expect(toolCall.function.name).toBe('read_file');
    expect(JSON.parse(args)).toEqual({ path: 'notes.txt' });
    expect(choiceOf(call.events.at(-2))?.finish_reason).toBe('tool_calls');
    expect(modelCalls[0]?.toolNames).toContain('tool_call');
    expect(modelCalls.at(-1)?.text).toBe(`Tool:${toolCall.id}: hello from notes`);
    expect(streamedText(follow)).toMatch(/tool result was "hello from notes"$/);
  });

  it('without tools offered, the same call fails inside OpenClaw and the turn ends in text', async () => {
    const { gateway } = env;
    const session = freshSession('tools-off');
    const call = await chatCall({ ...gateway, sessionKey: session, text: ask });
    const history = await readHistory(gateway, session);
    observe('e.toolsOff', {
      stream: streamShape(call),
      text: streamedText(call),
      transcript: brief(history),
    });
    expect(call.events.some((e) => choiceOf(e)?.delta?.tool_calls)).toBe(false);
    expect(choiceOf(call.events.at(-2))?.finish_reason).toBe('stop');
    expect(streamedText(call)).toContain('Unknown tool id: read_file');
  });
});

describe('a client that hangs up mid-turn', () => {
  it('aborts the run: the transcript keeps the user turn, and says how the run ended', async () => {
    const { gateway } = env;
    const session = freshSession('hang-up');
    const abort = new AbortController();
    const call = chatCall({
      ...gateway,
      sessionKey: session,
      text: 'bye [[delay:6000]]',
      signal: abort.signal,
    });
    await gateway.provider.waitForCall((c) => c.text === 'bye [[delay:6000]]');
    abort.abort();
    await call;
    const { history, seen } = await waitForHistory(
      gateway,
      session,
      (h) => !h.sessionInfo.hasActiveRun,
      60_000,
    );
    await new Promise((r) => setTimeout(r, 8_000));
    const later = await readHistory(gateway, session);
    observe('f.clientHangUp', {
      first: brief(seen[0]!),
      settled: brief(history),
      later: brief(later),
    });
    expect(history.messages[0]).toMatchObject({ role: 'user', content: 'bye [[delay:6000]]' });
  });
});

describe('ClawDesk against it', () => {
  it('answers a message through the core and real workers, one OpenClaw session per conversation', async () => {
    const { gateway } = env;
    const dir = tempDir('clawdesk-oc-');
    const desk = startClawDeskCore(gateway, join(dir.path, 'clawdesk.sqlite'));
    try {
      const { conversation } = await sendOk(desk.core, 'hello from ClawDesk');
      const [task] = await allFinished(desk.core, [conversation.id], 180_000);
      const history = await readHistory(gateway, `clawdesk:${conversation.id}`);
      observe('clawdesk.smoke', {
        task: { state: task?.state, output: task?.output },
        transcript: brief(history),
      });
      expect(task).toMatchObject({ state: 'succeeded' });
      expect(history.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
      expect(history.messages[0]?.content).toBe('hello from ClawDesk');
      expect(messageText(history.messages[1]!)).toBe(task?.output);
    } finally {
      await desk.core.close();
      dir.cleanup();
    }
  });
});
