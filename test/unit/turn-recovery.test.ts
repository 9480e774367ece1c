import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/shared/worker-protocol.ts';
import type { SessionReader, SessionSnapshot } from '../../src/worker/openclaw-session.ts';
import { SessionReaderError, snapshotOf, webSocketUrl } from '../../src/worker/openclaw-session.ts';
import { recoverTurn, verdictOf } from '../../src/worker/turn-recovery.ts';

/**
 * Issue 12: a cut turn is looked up in OpenClaw's transcript before it is sent again. The
 * shapes below are chat.history answers of the real openclaw 2026.9.6 (trimmed), measured
 * after a kill -9 mid-run and its restart.
 */
const SENT_AT = 1_796_624_700_000;
const user = (content: string, timestamp = SENT_AT + 35) => ({
  role: 'user',
  content,
  timestamp,
  idempotencyKey: 'd19ade7e-74bc-4a85-8d0b-424691c5cadf:user',
  __openclaw: { seq: 1 },
});
const recoveryPrompt = {
  role: 'user',
  content: '[System] Your previous turn was interrupted by a gateway restart…',
  timestamp: SENT_AT + 128_000,
  __openclaw: {
    provenance: {
      kind: 'internal_system',
      sourceTool: 'main_session_restart_recovery',
    },
  },
};
const answer = (text: string, runId = '7362d703-8ca9-4390-a099-b5aae9162ce4') => ({
  role: 'assistant',
  content: [{ type: 'text', text }],
  stopReason: 'stop',
  timestamp: SENT_AT + 150_000,
  __openclaw: { runId },
});
const history = (messages: unknown[], info: Record<string, unknown>) =>
  snapshotOf({ sessionKey: 'agent:main:clawdesk:x', messages, sessionInfo: info });

const job = { text: 'third cut', resume: { since: SENT_AT, runIds: ['chatcmpl_cut'] } };

describe('recovering a cut turn from OpenClaw', () => {
  it('waits while OpenClaw is about to re-run the turn its restart cut, then takes that answer', () => {
    const justRestarted = history([user('third cut')], {
      status: 'running',
      abortedLastRun: true,
      hasActiveRun: true,
      activeRunIds: ['7362d703'],
    });
    expect(verdictOf(justRestarted, job)).toEqual({ kind: 'wait' });
    const recovering = history([user('third cut'), recoveryPrompt], {
      status: 'running',
      hasActiveRun: true,
    });
    expect(verdictOf(recovering, job)).toEqual({ kind: 'wait' });
    const answered = history([user('third cut'), recoveryPrompt, answer('the answer')], {
      status: 'done',
      hasActiveRun: false,
      activeRunIds: [],
    });
    expect(verdictOf(answered, job)).toEqual({ kind: 'answer', text: 'the answer' });
  });

  it('sends a turn OpenClaw never recorded (cut before its model call began)', () => {
    const earlier = [user('an older message', SENT_AT - 600_000), answer('older answer', 'r0')];
    expect(verdictOf(history(earlier, { status: 'done' }), job)).toEqual({ kind: 'send' });
    // The same words sent long before this task are another turn.
    const same = [user('third cut', SENT_AT - 600_000), answer('old', 'r1')];
    expect(verdictOf(history(same, { status: 'done' }), job)).toEqual({ kind: 'send' });
  });

  it("takes the answer of the task's own run even when the stream was cut after it", () => {
    const finished = history([user('third cut'), answer('done already', 'chatcmpl_cut')], {
      status: 'done',
    });
    expect(verdictOf(finished, job)).toEqual({ kind: 'answer', text: 'done already' });
  });

  it('sends again when OpenClaw holds the turn but gave it up (no answer, nothing running)', () => {
    const failedRun = { ...answer('partial'), stopReason: 'error' };
    const givenUp = history([user('third cut'), failedRun], { status: 'failed' });
    expect(verdictOf(givenUp, job)).toEqual({ kind: 'send' });
  });

  it('does not take the answer of a later turn', () => {
    const later = history(
      [user('third cut'), user('a later question', SENT_AT + 1000), answer('later answer')],
      { status: 'done' },
    );
    expect(verdictOf(later, job)).toEqual({ kind: 'send' });
  });

  it('reads until the transcript decides, and closes the connection', async () => {
    const answers: SessionSnapshot[] = [
      history([user('third cut')], { status: 'running', abortedLastRun: true }),
      history([user('third cut'), recoveryPrompt], { hasActiveRun: true }),
      history([user('third cut'), recoveryPrompt, answer('recovered')], { status: 'done' }),
    ];
    let closed = false;
    const reader: SessionReader = {
      history: async () => answers.shift()!,
      close: () => (closed = true),
    };
    const text = await recoverTurn(jobOf(), {
      open: async () => reader,
      signal: new AbortController().signal,
      log: () => {},
      sleep: async () => {},
    });
    expect(text).toBe('recovered');
    expect(closed).toBe(true);
  });

  it('waits for a gateway that went away again; sends when the gateway will not be asked', async () => {
    const deps = (err: Error) => ({
      open: () => Promise.reject(err),
      signal: new AbortController().signal,
      log: () => {},
    });
    await expect(
      recoverTurn(jobOf(), deps(new SessionReaderError('connect ECONNREFUSED', true))),
    ).rejects.toMatchObject({ code: 'gateway_unreachable', outage: true });
    const noWebSocket = new SessionReaderError('unexpected server response: 401', false);
    await expect(recoverTurn(jobOf(), deps(noWebSocket))).resolves.toBeNull();
  });

  it('maps the HTTP gateway URL to its WebSocket on the same port', () => {
    expect(webSocketUrl('http://127.0.0.1:18790')).toBe('ws://127.0.0.1:18790');
    expect(webSocketUrl('https://claw.example:8443/base/')).toBe('wss://claw.example:8443');
  });
});

function jobOf(): Job {
  return {
    taskId: 't',
    attempt: 2,
    text: 'third cut',
    sessionKey: 'clawdesk:x',
    gateway: { url: 'http://127.0.0.1:1', token: 't', agentId: 'main' },
    timeouts: { headersMs: 1000, stallMs: 1000, totalMs: 60_000 },
    resume: { since: SENT_AT, runIds: ['chatcmpl_cut'] },
  };
}
