/**
 * Issue 14's "Test connection" against the real OpenClaw: a gateway whose OpenAI-compatible
 * endpoint is switched off (OpenClaw's default) is named as such; a working gateway, a wrong
 * token and an unknown agent are checked in clawdesk-scenarios.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { checkGateway } from '../../src/main/core/gateway-check.ts';
import { useOpenClaw } from './support/fixture.ts';
import { observe } from './support/observations.ts';

// Warm-up sends a chat request, which a switched-off endpoint refuses: none here.
const env = useOpenClaw({
  warmUp: false,
  config: { gateway: { http: { endpoints: { chatCompletions: { enabled: false } } } } },
});

describe('Test connection against the real OpenClaw', () => {
  it('names a switched-off chat-completions endpoint (whatever the token) and an unreachable gateway', async () => {
    const { gateway } = env;
    const off = await checkGateway({ url: gateway.url, token: gateway.token, agentId: 'main' });
    const wrong = await checkGateway({ url: gateway.url, token: 'not-it', agentId: 'main' });
    await gateway.kill('SIGKILL');
    const away = await checkGateway({ url: gateway.url, token: gateway.token, agentId: 'main' });
    observe('clawdesk.gateway-check', { off, wrong, away });
    expect(off).toMatchObject({ ok: false, problem: 'endpoint_disabled', status: 404 });
    // OpenClaw answers 404 for a switched-off endpoint before it looks at the token.
    expect(wrong).toMatchObject({ ok: false, problem: 'endpoint_disabled' });
    expect(away).toMatchObject({ ok: false, problem: 'unreachable', reason: 'connection refused' });
  });
});
