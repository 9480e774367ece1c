import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
 * environment. Its data folder is its owner's alone (modes asserted as bits: root, as on the
 * test machines, ignores them for access), the tokens do not reach the processes it starts,
 * and the gateway token given in the environment is not copied into the data folder.
 */

const modeOf = (path: string): number => statSync(path).mode & 0o777;

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

describe('the data folder', () => {
  it('is 0700, and the database with its -wal and -shm 0600', () => {
    expect(modeOf(dataDir)).toBe(0o700);
    for (const name of ['clawdesk.sqlite', 'clawdesk.sqlite-wal', 'clawdesk.sqlite-shm']) {
      expect(modeOf(join(dataDir, name)), name).toBe(0o600);
    }
  });

  it.runIf(canFindTaggedProcesses)(
    'is written under umask 077, by the server and its workers',
    () => {
      for (const pid of taggedProcesses(server.tag)) {
        expect(readFileSync(`/proc/${pid}/status`, 'latin1')).toMatch(/^Umask:\s+0077$/m);
      }
    },
  );

  it('of an earlier version is made private at start, and the log says what changed', async () => {
    const old = join(dir.path, 'old-data');
    mkdirSync(old);
    chmodSync(old, 0o755);
    writeFileSync(join(old, 'clawdesk.sqlite'), '');
    chmodSync(join(old, 'clawdesk.sqlite'), 0o644);
    const again = await startServerProcess({
      dataDir: old,
      gatewayUrl: gateway.url,
      gatewayToken: gateway.token,
      workers: 1,
    });
    try {
      expect(modeOf(old)).toBe(0o700);
      expect(modeOf(join(old, 'clawdesk.sqlite'))).toBe(0o600);
      expect(again.log).toContainEqual(
        `[clawdesk] made the data folder readable by you only: ${old} 755 → 700, clawdesk.sqlite 644 → 600`,
      );
      // A token set in Settings is kept, in a 0600 file.
      const page = await openRawBridge(again.url);
      resultOf(await page.call('settings.update', { token: 'typed-in-settings' }));
      page.close();
      expect(modeOf(join(old, 'gateway-token'))).toBe(0o600);
    } finally {
      await again.stop();
    }
  });
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
