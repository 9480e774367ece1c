/**
 * What reaches ClawDesk when OpenClaw's model provider fails: a 429 that never ends (streamed
 * and whole), a 500 that never ends, and a single 429. OpenClaw handles these itself for a long
 * time first; the timings are recorded in test-results/openclaw/observations.json. The cases
 * run at once, on separate sessions, to keep the suite short.
 */
import { describe, expect, it } from 'vitest';
import { chatCall, streamedText, type ChatCallRecord } from './support/chat-call.ts';
import { useOpenClaw } from './support/fixture.ts';
import { observe } from './support/observations.ts';
import { messageText, readHistory } from './support/operator.ts';
import { brief, freshSession, streamShape } from './support/scenario.ts';
import type { OpenClawGateway } from './support/openclaw-gateway.ts';

const env = useOpenClaw();

async function run(gateway: OpenClawGateway, name: string, text: string, stream = true) {
  const session = freshSession(name);
  const record = await chatCall({ ...gateway, sessionKey: session, text, stream });
  const history = await readHistory(gateway, session);
  const calls = gateway.provider.calls
    .filter((c) => c.text.includes(text))
    .map((c) => ({ afterMs: c.at - record.sentAt, outcome: c.outcome }));
  return { record, history, calls };
}

const errorOf = (record: ChatCallRecord) => record.events.find((e) => e.json?.error)?.json?.error;

describe('a failing model provider', () => {
  it('429 forever, 500 forever, one 429: what the client gets and after how long', async () => {
    const { gateway } = env;
    const [limited, whole, broken, once] = await Promise.all([
      run(gateway, 'f429', 'always limited [[fail:429]]'),
      run(gateway, 'f429-whole', 'always limited, whole [[fail:429]]', false),
      run(gateway, 'f500', 'always broken [[fail:500]]'),
      run(gateway, 'f429-once', 'limited once [[fail:429:1]]'),
    ]);
    const view = (r: Awaited<ReturnType<typeof run>>) => ({
      stream: streamShape(r.record),
      body: r.record.events.length ? undefined : r.record.body,
      headers: r.record.headers,
      providerCalls: r.calls,
      transcript: brief(r.history),
    });
    observe('d.providerErrors', {
      limited: view(limited),
      whole: view(whole),
      broken: view(broken),
      once: { ...view(once), text: streamedText(once.record) },
    });
    // Streamed: a 200 whose stream ends in an error chunk, long after the request.
    expect(limited.record.status).toBe(200);
    expect(errorOf(limited.record)).toMatchObject({ type: 'rate_limit_error' });
    expect(limited.record.events.at(-1)?.data).toBe('[DONE]');
    expect(errorOf(broken.record)).toEqual({
      message: 'upstream provider error',
      type: 'api_error',
    });
    // Whole: HTTP 429 without Retry-After.
    expect(whole.record.status).toBe(429);
    expect(whole.record.headers?.['retry-after']).toBeUndefined();
    expect(JSON.parse(whole.record.body)).toMatchObject({ error: { type: 'rate_limit_error' } });
    // The transcript keeps the user turn and an error turn; the session is failed.
    const last = limited.history.messages.at(-1)!;
    expect(last).toMatchObject({ role: 'assistant', stopReason: 'error' });
    expect(messageText(last)).toContain('HTTP 429');
    expect(limited.history.sessionInfo.status).toBe('failed');
  });
});
