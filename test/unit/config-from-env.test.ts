import { describe, expect, it } from 'vitest';
import { settingsFromEnv, takeEnvironment } from '../../src/main/core/config-from-env.ts';

describe('settings from the environment', () => {
  it('defaults to the local gateway, agent main and the free tier limits', () => {
    const s = settingsFromEnv({});
    expect(s.gateway).toEqual({ url: 'http://127.0.0.1:18790', token: '', agentId: 'main' });
    expect(s.rateLimit).toEqual({ perWindow: 40, windowMs: 60_000, maxConcurrent: 5 });
    expect(s.workerCount).toBe(5);
  });

  it('takes flags over the environment, and a pasted /v1 address as the root', () => {
    const s = settingsFromEnv(
      { CLAWDESK_GATEWAY_URL: 'http://a:1', CLAWDESK_GATEWAY_TOKEN: 't', CLAWDESK_AGENT_ID: 'x' },
      { gatewayUrl: 'http://127.0.0.1:18790/v1/', agentId: 'ops' },
    );
    expect(s.gateway).toEqual({ url: 'http://127.0.0.1:18790', token: 't', agentId: 'ops' });
  });

  it('reads the limits', () => {
    const s = settingsFromEnv({
      CLAWDESK_RATE_PER_WINDOW: '100',
      CLAWDESK_RATE_WINDOW_MS: '6000',
      CLAWDESK_MAX_CONCURRENT: '3',
      CLAWDESK_WORKERS: '3',
    });
    expect(s.rateLimit).toEqual({ perWindow: 100, windowMs: 6000, maxConcurrent: 3 });
    expect(s.workerCount).toBe(3);
  });

  it('names what is wrong, never the token', () => {
    expect(() => settingsFromEnv({ CLAWDESK_GATEWAY_URL: 'nope' })).toThrow(
      /gateway URL "nope" is not a URL/,
    );
    expect(() => settingsFromEnv({ CLAWDESK_GATEWAY_URL: 'ftp://x' })).toThrow(
      /must start with http/,
    );
    expect(() => settingsFromEnv({ CLAWDESK_AGENT_ID: 'a b' })).toThrow(/agent id "a b"/);
    expect(() => settingsFromEnv({ CLAWDESK_WORKERS: '0' })).toThrow(
      /CLAWDESK_WORKERS "0" must be a whole number from 1 to 32/,
    );
    expect(() => settingsFromEnv({ CLAWDESK_RATE_PER_WINDOW: '2.5' })).toThrow(
      /CLAWDESK_RATE_PER_WINDOW/,
    );
    expect(() =>
      settingsFromEnv({ CLAWDESK_GATEWAY_URL: 'bad url', CLAWDESK_GATEWAY_TOKEN: 'sekrit' }),
    ).toThrow(expect.objectContaining({ message: expect.not.stringContaining('sekrit') }));
  });
});

describe('takeEnvironment', () => {
  it('takes the tokens out of the live environment and hands them over in a copy', () => {
    const live: NodeJS.ProcessEnv = {
      PATH: '/usr/bin',
      CLAWDESK_GATEWAY_TOKEN: 'gw-secret',
      CLAWDESK_UI_TOKEN: 'ui-secret',
      CLAWDESK_AGENT_ID: 'ops',
    };
    const env = takeEnvironment(live);
    // What a process started from now on inherits: nothing secret, everything else.
    expect(live).toEqual({ PATH: '/usr/bin', CLAWDESK_AGENT_ID: 'ops' });
    expect(env).toMatchObject({
      CLAWDESK_GATEWAY_TOKEN: 'gw-secret',
      CLAWDESK_UI_TOKEN: 'ui-secret',
    });
    expect(settingsFromEnv(env).gateway).toMatchObject({ token: 'gw-secret', agentId: 'ops' });
  });
});
