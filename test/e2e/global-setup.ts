import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startFakeGateway } from '../helpers/fake-gateway.ts';
import { startHeadless } from './support/headless.ts';
import { E2E_ENV, STREAM } from './support/env.ts';
import { scanRecordedRun, startRecording } from './support/leak-scan.ts';

/**
 * The stack every spec shares: the fake V1 gateway in this process and one headless server
 * in front of it. Specs that need a broken gateway start their own server.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  // Before any server starts: each one records its log and data for the teardown's scan.
  startRecording();
  const gateway = await startFakeGateway({
    // Slow enough that a reply is seen half-written; long enough to send more meanwhile.
    firstChunkDelayMs: STREAM.firstChunkDelayMs,
    chunkDelayMs: STREAM.chunkDelayMs,
    reply: (text) => `Echo: ${text}\n${STREAM.filler}`,
  });
  let server;
  try {
    server = await startHeadless({
      name: 'main',
      gatewayUrl: gateway.url,
      gatewayToken: gateway.token,
    });
  } catch (error) {
    await gateway.close();
    throw error;
  }
  // Environment set here reaches the test workers.
  process.env[E2E_ENV.appUrl] = server.url;
  process.env[E2E_ENV.gatewayUrl] = gateway.url;
  process.env[E2E_ENV.gatewayToken] = gateway.token;
  // The same facts on disk, for a person debugging a run.
  const dir = resolve(import.meta.dirname, '../../test-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'e2e-stack.json'),
    JSON.stringify({ app: server.url, gateway: gateway.url, serverLog: server.logFile }, null, 2),
  );

  return async () => {
    await server.stop();
    await gateway.close();
    // Issue 7: no gateway token in any log, data folder or frame of the run; throws if found.
    console.log(scanRecordedRun());
  };
}
