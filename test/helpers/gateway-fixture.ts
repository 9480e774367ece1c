import { afterEach, beforeEach } from 'vitest';
import type { ClawDeskCore } from '../../src/main/core/core.ts';
import { startFakeGateway, type FakeGateway, type FakeGatewayOptions } from './fake-gateway.ts';
import { tempDir } from './temp-dir.ts';

export interface GatewayFixture {
  dir: ReturnType<typeof tempDir>;
  gateway: FakeGateway;
  /** The core the test started, if any: closed after the test. */
  core: ClawDeskCore | undefined;
}

/** Per test in the calling `describe`: a temp folder and a fake gateway, all closed after. */
export function withFakeGateway(options: FakeGatewayOptions = {}): GatewayFixture {
  const fixture = { core: undefined } as GatewayFixture;
  beforeEach(async () => {
    fixture.dir = tempDir();
    fixture.gateway = await startFakeGateway(options);
  });
  afterEach(async () => {
    await fixture.core?.close();
    fixture.core = undefined;
    await fixture.gateway.close();
    fixture.dir.cleanup();
  });
  return fixture;
}
