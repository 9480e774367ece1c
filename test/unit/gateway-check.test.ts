/**
 * "Test connection" (issue 14) against the fake OpenClaw gateway over real HTTP: each thing a
 * new user gets wrong is named — nothing there, the endpoint switched off, a wrong token, an
 * unknown agent — and a working gateway lists its agents.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { agentsOf, checkGateway } from '../../src/main/core/gateway-check.ts';
import { GatewayCheckSchema } from '../../src/shared/gateway-check.ts';
import { gatewayHandlers } from '../../src/main/core/gateway-handlers.ts';
import { defaultSettings } from '../../src/main/core/settings.ts';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-gateway.ts';
import { closedPort } from '../e2e/support/headless.ts';

let gateway: FakeGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

describe('checkGateway', () => {
  test('a working gateway: ok, with its agents; nothing is run', async () => {
    gateway = await startFakeGateway({ agents: ['main', 'research'] });
    const check = await checkGateway({ url: gateway.url, token: gateway.token, agentId: 'main' });
    expect(GatewayCheckSchema.parse(check)).toEqual({
      ok: true,
      problem: null,
      url: gateway.url,
      agentId: 'main',
      status: 200,
      reason: null,
      agents: ['main', 'research'],
    });
    // The endpoint probe has no model: the gateway refuses it, no run starts.
    expect(gateway.stats.maxInFlight).toBe(0);
  });

  test('a URL ending in /v1 is the same gateway', async () => {
    gateway = await startFakeGateway();
    const check = await checkGateway({
      url: `${gateway.url}/v1/`,
      token: gateway.token,
      agentId: 'main',
    });
    expect(check.ok).toBe(true);
    expect(check.url).toBe(gateway.url);
  });

  test('nothing listening: unreachable, "connection refused"', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const check = await checkGateway({ url, token: 't', agentId: 'main' });
    expect(check).toMatchObject({
      ok: false,
      problem: 'unreachable',
      reason: 'connection refused',
    });
  });

  test('a wrong token: unauthorized, with the status', async () => {
    gateway = await startFakeGateway();
    const check = await checkGateway({ url: gateway.url, token: 'wrong', agentId: 'main' });
    expect(check).toMatchObject({ ok: false, problem: 'unauthorized', status: 401 });
  });

  test('the chat completions endpoint switched off: endpoint_disabled', async () => {
    gateway = await startFakeGateway({ chatCompletionsEnabled: false });
    const check = await checkGateway({ url: gateway.url, token: gateway.token, agentId: 'main' });
    expect(check).toMatchObject({ ok: false, problem: 'endpoint_disabled', status: 404 });
  });

  test('an agent the gateway does not serve: unknown_agent, listing the ones it does', async () => {
    gateway = await startFakeGateway({ agents: ['main', 'ops'] });
    const check = await checkGateway({ url: gateway.url, token: gateway.token, agentId: 'mian' });
    expect(check).toMatchObject({ ok: false, problem: 'unknown_agent', agents: ['main', 'ops'] });
  });

  test('a 404 on /v1/models too is the endpoint switched off', async () => {
    const check = await checkGateway(
      { url: 'http://gateway.test', token: 't', agentId: 'main' },
      { fetch: async () => new Response('{}', { status: 404 }) },
    );
    expect(check.problem).toBe('endpoint_disabled');
  });

  test('agent ids come from openclaw/<id> and openclaw:<id> model ids only', () => {
    expect(
      agentsOf({
        data: [
          { id: 'openclaw' },
          { id: 'openclaw/main' },
          { id: 'openclaw:ops' },
          { id: 'gpt-4' },
        ],
      }),
    ).toEqual(['main', 'ops']);
    expect(agentsOf(null)).toEqual([]);
    expect(agentsOf({ data: 'x' })).toEqual([]);
  });
});

describe('gateway.check handler', () => {
  test('tests what the form holds, falling back to the saved URL, token and agent', async () => {
    gateway = await startFakeGateway({ agents: ['main', 'ops'] });
    const settings = defaultSettings();
    settings.gateway = { url: gateway.url, token: gateway.token, agentId: 'main' };
    const check = gatewayHandlers(settings)['gateway.check'];
    expect(await check({})).toMatchObject({ ok: true, agentId: 'main' });
    expect(await check({ agentId: 'ops' })).toMatchObject({ ok: true, agentId: 'ops' });
    // A typed, unsaved token is the one tested.
    expect(await check({ token: 'typed-wrong' })).toMatchObject({ problem: 'unauthorized' });
    const other = `http://127.0.0.1:${await closedPort()}`;
    expect(await check({ gatewayUrl: other })).toMatchObject({ problem: 'unreachable' });
  });
});
