/**
 * OpenClaw's `/readyz` also fails while one of its channels (Telegram, Discord…) is down, for as
 * long as it is down, while chat works. ClawDesk's health probe must not take that for an
 * outage, or a user whose Telegram bot is broken would wait for ever after a restart: it asks
 * `/startupz` instead. Here a Telegram channel with a made-up token (it can never connect)
 * fails readiness after OpenClaw's connect grace of 2 min.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { probeGateway } from '../../src/main/core/gateway-health.ts';
import { chatCall, streamedText } from './support/chat-call.ts';
import { useOpenClaw } from './support/fixture.ts';
import { observe } from './support/observations.ts';
import { httpGet } from './support/readiness.ts';
import { freshSession } from './support/scenario.ts';

const env = useOpenClaw({
  channels: true,
  config: {
    channels: {
      telegram: {
        enabled: true,
        botToken: '123456789:AAH-fake-token-for-a-test',
        allowFrom: ['123456789'],
      },
    },
  },
});

describe('a gateway with a channel that is down', () => {
  it('fails /readyz but not /startupz, answers chat, and ClawDesk finds it there', async () => {
    const { gateway } = env;
    let ready = await httpGet(`${gateway.url}/readyz`);
    const deadline = Date.now() + 240_000;
    while (ready.status === 200 && Date.now() < deadline) {
      await sleep(2_000);
      ready = await httpGet(`${gateway.url}/readyz`);
    }
    const startup = await httpGet(`${gateway.url}/startupz`);
    const chat = await chatCall({ ...gateway, sessionKey: freshSession('chan'), text: 'hello' });
    const probe = await probeGateway(gateway.url);
    observe('g.channelDown', {
      readyz: [ready.status, ready.body.slice(0, 120)],
      startupz: [startup.status, startup.body.slice(0, 120)],
      chat: [chat.status, streamedText(chat)],
      probe,
    });
    expect([ready.status, JSON.parse(ready.body)]).toEqual([
      503,
      expect.objectContaining({ ready: false, failing: ['telegram'] }),
    ]);
    expect(startup.status).toBe(200);
    expect(streamedText(chat)).toMatch(/you said "hello"/);
    expect(probe).toEqual({ ok: true });
  });
});
