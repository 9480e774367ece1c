import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskView } from '../../src/shared/task.ts';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-gateway.ts';
import {
  canFindTaggedProcesses,
  startServerProcess,
  taggedProcesses,
  type ServerProcess,
} from '../helpers/headless-process.ts';
import { openRawBridge, resultOf, type RawBridge } from '../helpers/raw-bridge.ts';
import { describeLeaks, scanForSecrets } from '../helpers/secret-scan.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * Issue 13, finding 4: a headless server started as a user starts it, with its tokens in the
 * environment. The tokens do not reach the processes it starts, and the gateway token given
 * in the environment is not copied into the data folder.
 */

const UI_TOKEN = randomBytes(16).toString('hex');

let dir: ReturnType<typeof tempDir>;
let dataDir: string;
let gateway: FakeGateway;
let server: ServerProcess;
let bridge: RawBridge;

beforeAll(async () => {
  dir = tempDir('clawdesk-private-');
  dataDir = join(dir.path, 'data');
  gateway = await startFakeGateway();
  server = await startServerProcess({
    dataDir,
    gatewayUrl: gateway.url,
    gatewayToken: gateway.token,
    uiToken: UI_TOKEN,
    workers: 1,
  });
  bridge = await openRawBridge(server.url);
  // A task that really ran: the worker had the token (in its job) and used it.
  const { task } = resultOf(await bridge.call('chat.send', { text: 'hello' })) as {
    task: TaskView;
  };
  await bridge.waitForEvent(
    (e) => e.type === 'task' && e.task.id === task.id && e.task.state === 'succeeded',
    'the task succeeded',
  );
});

afterAll(async () => {
  bridge?.close();
  await server?.stop();
  await gateway?.close();
  dir?.cleanup();
});

describe('tokens given in the environment', () => {
  it.runIf(canFindTaggedProcesses)('are not in the environment of a forked worker', () => {
    const workers = taggedProcesses(server.tag).filter((pid) => pid !== server.pid);
    expect(workers.length).toBeGreaterThan(0);
    for (const pid of workers) {
      const environ = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
      expect(environ.filter((v) => /^CLAWDESK_(GATEWAY|UI)_TOKEN=/.test(v))).toEqual([]);
      expect(environ.join('\n')).not.toContain(gateway.token);
    }
    expect(gateway.requests.map((r) => r.headers.authorization)).toContain(
      `Bearer ${gateway.token}`,
    );
  });

  it('the gateway token from the environment is nowhere in the data folder', async () => {
    const settings = resultOf(await bridge.call('settings.get', {}));
    expect(settings).toMatchObject({ tokenSet: true, tokenStorage: 'environment' });
    await server.stop();
    const leaks = scanForSecrets([gateway.token, UI_TOKEN], { dirs: [{ path: dataDir }] });
    expect(describeLeaks(leaks)).toBe('');
  });
});
