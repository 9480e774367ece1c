/**
 * One interface over the real OpenClaw gateway and the fake one, so the same scenario and the
 * same assertions run against both (test/openclaw/fake-parity.test.ts): that is how the fake is
 * shown to be faithful where it matters.
 */
import { startFakeGateway, type FakeGateway } from '../../helpers/fake-gateway.ts';
import type { OpenClawGateway } from './openclaw-gateway.ts';

export interface GatewayTarget {
  readonly name: 'real' | 'fake';
  readonly url: string;
  readonly wsUrl: string;
  readonly token: string;
  /** kill -9. */
  crash(): Promise<void>;
  /** SIGTERM; resolves once the gateway has stopped (its running turns finished first). */
  stopGracefully(): Promise<void>;
  /** Starts again on the same port and state; resolves once it serves. */
  start(): Promise<void>;
}

export function realTarget(gateway: OpenClawGateway): GatewayTarget {
  return {
    name: 'real',
    url: gateway.url,
    wsUrl: gateway.wsUrl,
    token: gateway.token,
    crash: async () => void (await gateway.kill('SIGKILL')),
    stopGracefully: async () => void (await gateway.kill('SIGTERM')),
    start: () => gateway.start(),
  };
}

/**
 * The fake with all of OpenClaw's behaviour on, a recovery as slow as the real one's order of
 * magnitude scaled down, and the real one's echo style.
 */
export async function fakeTarget(): Promise<GatewayTarget & { fake: FakeGateway }> {
  const fake = await startFakeGateway({
    openclaw: { turns: 'queue', recoveryTiming: { pendingMs: 500, answerMs: 1_500 } },
    reply: (text) => `FAKE reply: you said "${text}"`,
    chunkDelayMs: 1,
  });
  return {
    name: 'fake',
    fake,
    url: fake.url,
    wsUrl: fake.wsUrl,
    token: fake.token,
    crash: () => fake.crash(),
    stopGracefully: () => fake.stopGracefully(),
    start: () => fake.start(),
  };
}
