import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
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
import { guardedListener, hostCheck } from './request-guard.ts';
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

/** The core on the data folder's database; the gateway token from the environment or a file. */
function startCore(options: HeadlessOptions): ClawDeskCore {
  ensureFolder(options.dataDir);
  return createCore({
    dbPath: join(options.dataDir, 'clawdesk.sqlite'),
    settings: options.settings,
    spawnWorker: () => spawnChildWorker(options.workerEntry),
    log: options.log,
    // The gateway token: from the environment when given (never written to disk), else the
    // one set in Settings, in a 0600 file in the data folder.
    secrets: fileSecrets(
      join(options.dataDir, 'gateway-token'),
      options.settings.gateway.token || undefined,
      options.log,
    ),
    ...(options.pinned ? { pinned: options.pinned } : {}),
    ...(options.onDatabaseOpen ? { onDatabaseOpen: options.onDatabaseOpen } : {}),
  });
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

/** The headless host: the same core, the built renderer over HTTP and the WebSocket bridge. */
export async function startHeadless(options: HeadlessOptions): Promise<HeadlessServer> {
  const token = options.uiToken ?? randomBytes(24).toString('hex');
  const core = startCore(options);
  // Requests whose Host is not ours are refused (DNS rebinding); the port does not matter.
  const host = hostCheck(options.host, options.extraOrigins ?? []);
  const serve = withTokenCheck(staticHandler(options.rendererDir), token);
  const server = createServer(guardedListener({ host, serve, log: options.log }));
  let origins: string[] = [];
  const allowedOrigins = (): string[] => origins;
  const bridge = createBridge({ core, token, allowedOrigins, host, log: options.log });
  server.on('upgrade', bridge.handleUpgrade);
  try {
    await listen(server, options.port, options.host);
  } catch (err) {
    await core.close();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const shown = options.host.includes(':') ? `[${options.host}]` : options.host;
  origins = [
    `http://${shown}:${port}`,
    `http://localhost:${port}`,
    ...(options.extraOrigins ?? []),
  ];
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shown}:${port}/?token=${token}`,
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
