import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ClawDeskCore, CoreOptions } from '../core/core.ts';
import { createCore } from '../core/core.ts';
import { fileSecrets } from '../core/secret-store.ts';
import { ensureFolder } from '../core/storage-problem.ts';
import type { UserSettings } from '../../shared/settings.ts';
import type { CoreSettings } from '../core/settings.ts';
import { createBridge } from './bridge.ts';
import { spawnChildWorker } from './child-process-worker.ts';
import { staticHandler } from './static-files.ts';
import { withTokenCheck } from './token-check.ts';

export interface HeadlessOptions {
  dataDir: string;
  settings: CoreSettings;
  port: number;
  /** Loopback unless the user says otherwise. */
  host: string;
  rendererDir: string;
  workerEntry: string;
  /** Settings given at launch; they win over the saved ones. */
  pinned?: Partial<UserSettings>;
  /** Token the page needs to open the bridge; random when not given. */
  uiToken?: string;
  /**
   * Origins beside our own whose pages may open the bridge: the address a tunnel or a reverse
   * proxy serves the page at (`ssh -L 9000:127.0.0.1:8790` → `http://localhost:9000`).
   */
  extraOrigins?: readonly string[];
  log: (line: string) => void;
  /** Tests only (never set by serve.ts): see CoreOptions. */
  onDatabaseOpen?: CoreOptions['onDatabaseOpen'];
}

export interface HeadlessServer {
  url: string;
  core: ClawDeskCore;
  close(): Promise<void>;
}

/** The headless host: the same core, the built renderer over HTTP and the WebSocket bridge. */
export async function startHeadless(options: HeadlessOptions): Promise<HeadlessServer> {
  const token = options.uiToken ?? randomBytes(24).toString('hex');
  ensureFolder(options.dataDir);
  const core = createCore({
    dbPath: join(options.dataDir, 'clawdesk.sqlite'),
    settings: options.settings,
    spawnWorker: () => spawnChildWorker(options.workerEntry),
    log: options.log,
    // The gateway token: from the environment when given, else a 0600 file in the data folder.
    secrets: fileSecrets(
      join(options.dataDir, 'gateway-token'),
      options.settings.gateway.token || undefined,
    ),
    ...(options.pinned ? { pinned: options.pinned } : {}),
    ...(options.onDatabaseOpen ? { onDatabaseOpen: options.onDatabaseOpen } : {}),
  });
  const server = createServer(withTokenCheck(staticHandler(options.rendererDir), token));
  let origins: string[] = [];
  const bridge = createBridge({ core, token, allowedOrigins: () => origins, log: options.log });
  server.on('upgrade', bridge.handleUpgrade);

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
  } catch (err) {
    await core.close();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  origins = [`http://${host}:${port}`, `http://localhost:${port}`, ...(options.extraOrigins ?? [])];
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}/?token=${token}`,
    core,
    close() {
      closing ??= (async () => {
        await bridge.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await core.close();
      })();
      return closing;
    },
  };
}
