/**
 * What the real OpenClaw does around its own outages: a crash (kill -9) in the middle of a
 * turn, the restart on the same port and state, the recovery run it starts by itself for the
 * cut turn; and a graceful stop (SIGTERM) while a turn runs. Exact shapes and timings go to
 * test-results/openclaw/observations.json.
 */
import { describe, expect, it } from 'vitest';
import { chatCall, completionIdOf, streamedText } from './support/chat-call.ts';
import { useOpenClaw } from './support/fixture.ts';
import { observe } from './support/observations.ts';
import {
  connectOperator,
  messageText,
  readHistory,
  type ConnectError,
} from './support/operator.ts';
import { probe, recordProbe, type ProbeResult } from './support/readiness.ts';
import { brief, freshSession, streamShape, waitForHistory } from './support/scenario.ts';

const env = useOpenClaw();
const RECOVERY_TOOL = 'main_session_restart_recovery';

describe('kill -9 in the middle of a turn', () => {
  it('refuses connections while down, keeps the cut turn, and answers it with a recovery run after the restart', async () => {
    const { gateway } = env;
    const session = freshSession('cut');
    const text = 'cut me [[delay:15000]]';
    const call = chatCall({ ...gateway, sessionKey: session, text });
    await gateway.provider.waitForCall((c) => c.text === text);
    const before = await readHistory(gateway, session);
    await gateway.kill('SIGKILL');
    const cut = await call;
    const down = await probe(`${gateway.url}/v1/models`, gateway.token);
    const sentWhileDown = await chatCall({ ...gateway, sessionKey: session, text: 'while down' });
    const killedAt = Date.now();
    await gateway.start();
    const readyAfterMs = Date.now() - killedAt;
    const { history: first } = await waitForHistory(gateway, session, () => true);
    const recovered = await waitForHistory(
      gateway,
      session,
      (h) => h.sessionInfo.status === 'done' && !h.sessionInfo.hasActiveRun,
      180_000,
      2_000,
    );
    const answeredAfterReadyMs = Date.now() - killedAt - readyAfterMs;
    const recoveryCall = gateway.provider.calls.filter((c) => c.text.startsWith(text)).at(-1);
    observe('c.kill9', {
      cutStream: streamShape(cut),
      probeWhileDown: down,
      chatWhileDown: { error: sentWhileDown.error, status: sentWhileDown.status },
      restart: {
        readyAfterMs,
        probes: gateway.startupProbes.map((p) => ({ ...p, headers: undefined })),
      },
      transcriptBeforeKill: brief(before),
      firstTranscriptAfterRestart: { brief: brief(first), pendingInputs: first.pendingInputs },
      transitions: recovered.seen.map((h) => brief(h)),
      final: recovered.history.messages,
      answeredAfterReadyMs,
      providerSawRecovery: recoveryCall?.text,
    });
    expect(cut.status).toBe(200);
    expect(cut.error).toBe('ECONNRESET');
    expect(streamedText(cut)).toBe('');
    expect(down.outcome).toBe('ECONNREFUSED');
    expect(sentWhileDown.error).toBe('ECONNREFUSED');
    expect(first.messages[0]).toMatchObject({ role: 'user', content: text });
    expect(first.sessionInfo).toMatchObject({ status: 'running', hasActiveRun: true });
    const [user, recovery, answer, ...rest] = recovered.history.messages;
    expect(rest).toEqual([]);
    expect(user).toMatchObject({ role: 'user', content: text });
    expect(user?.idempotencyKey).toBe(before.messages[0]?.idempotencyKey);
    expect(recovery).toMatchObject({ role: 'user', provenance: { sourceTool: RECOVERY_TOOL } });
    expect(messageText(recovery!)).toMatch(
      /^\[System\] Your previous turn was interrupted by a gateway restart/,
    );
    expect(answer).toMatchObject({ role: 'assistant', stopReason: 'stop' });
    expect(answer?.__openclaw?.runId).not.toBe(completionIdOf(cut));
    expect(recovery?.idempotencyKey).toBe(`${answer?.__openclaw?.runId}:user`);
    expect(recovered.history.sessionInfo.lastRunId).toBe(answer?.__openclaw?.runId);
    expect(recoveryCall?.text).toContain('[System] Your previous turn was interrupted');
  });
});

describe('SIGTERM while a turn runs', () => {
  it('answers 503 gateway_unavailable to new work while the running turn finishes, then refuses', async () => {
    const { gateway } = env;
    const session = freshSession('drain');
    const text = 'drain me [[delay:10000]]';
    const call = chatCall({ ...gateway, sessionKey: session, text });
    await gateway.provider.waitForCall((c) => c.text === text);
    const operator = await connectOperator(gateway.wsUrl, gateway.token);
    let exited = false;
    const exit = gateway.kill('SIGTERM').finally(() => (exited = true));
    await new Promise((r) => setTimeout(r, 500));
    const ws = {
      historyOnOpenConnection: await operator.history(session).then(
        (h) => ({ ok: true, status: h.sessionInfo.status }),
        (e: ConnectError) => ({ ok: false, error: String(e), code: e.code, details: e.details }),
      ),
      newConnection: await connectOperator(gateway.wsUrl, gateway.token).then(
        async (c) => (await c.close(), 'connected'),
        (e: ConnectError) => ({ error: String(e), code: e.code, details: e.details }),
      ),
    };
    await operator.close();
    const log = {
      models: [] as ProbeResult[],
      chat: [] as ProbeResult[],
      health: [] as ProbeResult[],
    };
    const signalledAt = Date.now();
    while (!exited) {
      const at = Date.now() - signalledAt;
      recordProbe(log.models, await probe(`${gateway.url}/v1/models`, gateway.token), at);
      recordProbe(log.health, await probe(`${gateway.url}/health`), at);
      recordProbe(log.chat, await chatProbe(gateway), at);
      await new Promise((r) => setTimeout(r, 250));
    }
    await exit;
    const finished = await call;
    const exitedAfterMs = Date.now() - signalledAt;
    await gateway.start();
    const history = await readHistory(gateway, session);
    observe('c.sigterm', {
      inFlight: streamShape(finished),
      exitedAfterMs,
      ...log,
      ws,
      transcript: brief(history),
    });
    // The turn that was running when the signal came is finished and answered, not cut.
    expect(finished.status).toBe(200);
    expect(streamedText(finished)).toMatch(/you said "drain me/);
    const unavailable = log.chat.find((p) => p.outcome === 503);
    expect(JSON.parse(unavailable?.body ?? '{}')).toEqual({
      error: {
        message: 'Gateway is temporarily unavailable while suspending or restarting',
        type: 'service_unavailable',
        code: 'gateway_unavailable',
      },
    });
    expect(unavailable?.headers?.['retry-after']).toBe('1');
    expect(log.health[0]?.outcome).toBe(200);
    expect(history.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  });
});

/** A chat request that is not left running: its outcome is all that is wanted. */
async function chatProbe(gateway: { url: string; token: string }) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 1_000);
  const r = await chatCall({
    ...gateway,
    sessionKey: freshSession('probe'),
    text: 'probe',
    signal: abort.signal,
  });
  clearTimeout(timer);
  const outcome = r.status ?? r.error ?? 'none';
  return { outcome, body: r.status === 200 ? 'stream' : r.body, headers: r.headers };
}
