import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pinnedFromEnv, settingsFromEnv, takeEnvironment } from '../core/config-from-env.ts';
import type { HeadlessServer } from './server.ts';
import { startHeadless } from './server.ts';
import { resolveUiToken } from './ui-token.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Where the worker entry and the built renderer are: beside us when built, in src when not. */
function locate(): { workerEntry: string; rendererDir: string } {
  const here = dirname(fileURLToPath(import.meta.url));
  if (import.meta.url.endsWith('.ts')) {
    return {
      workerEntry: join(here, '../../worker/index.ts'),
      rendererDir: join(here, '../../../out/renderer'),
    };
  }
  return { workerEntry: join(here, 'worker.js'), rendererDir: join(here, '../renderer') };
}

/** An origin as browsers send it (`http://localhost:9000`): scheme, host, port, nothing else. */
function checkOrigin(value: string): string {
  const trimmed = value.trim();
  let origin: string | undefined;
  try {
    origin = new URL(trimmed).origin;
  } catch {
    // reported below
  }
  if (origin !== trimmed || !/^https?:/.test(trimmed)) {
    throw new Error(
      `--allow-origin "${value}" must be an origin such as http://localhost:9000 (no path, no trailing slash)`,
    );
  }
  return trimmed;
}

type Env = ReturnType<typeof takeEnvironment>;

/** The command line, each value checked; a bad one throws a sentence naming it. */
function readOptions(env: Env) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: env.CLAWDESK_PORT ?? '8790' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string' },
      gateway: { type: 'string' },
      agent: { type: 'string' },
      'allow-origin': { type: 'string', multiple: true },
      'new-token': { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port "${values.port}" must be a port number (0 picks a free one)`);
  }
  if (!LOOPBACK.has(values.host)) {
    console.error(
      `warning: listening on ${values.host}, not loopback: anyone who can reach it and has the URL can use your gateway`,
    );
  }
  const extraOrigins = [
    ...(values['allow-origin'] ?? []),
    ...(env.CLAWDESK_ALLOWED_ORIGINS?.split(',').filter((o) => o.trim()) ?? []),
  ].map(checkOrigin);
  const dataDir = resolve(
    values['data-dir'] ?? env.CLAWDESK_DATA_DIR ?? join(homedir(), '.clawdesk'),
  );
  return { values, port, host: values.host, extraOrigins, dataDir };
}

/** What the server says once it listens, beyond its URL line. */
async function tellStarted(
  server: HeadlessServer,
  uiToken: ReturnType<typeof resolveUiToken>,
  extraOrigins: string[],
): Promise<void> {
  if (uiToken.file) {
    const kept = uiToken.source === 'new' ? 'new page token, kept' : 'page token';
    console.error(`${kept} in ${uiToken.file} (--new-token replaces it)`);
  }
  if (extraOrigins.length) console.error(`pages may also come from: ${extraOrigins.join(', ')}`);
  const view = await server.core.dispatch('settings.get', {});
  if (view.ok && !(view.result as { tokenSet: boolean }).tokenSet) {
    console.error('note: no gateway token yet: set CLAWDESK_GATEWAY_TOKEN or paste it in Settings');
  }
}

async function main(): Promise<void> {
  // Before anything else: what is created from here on is the user's alone (data folder,
  // database, token file), and no process started later inherits the tokens.
  process.umask(0o077);
  const env = takeEnvironment(process.env);
  const { values, port, host, extraOrigins, dataDir } = readOptions(env);
  // Kept in the data folder so a bookmarked URL works after a restart (issue 14).
  const uiToken = resolveUiToken({
    dataDir,
    // Read from the copy: the variable has left process.env (no child inherits it).
    fromEnv: env.CLAWDESK_UI_TOKEN,
    renew: values['new-token'],
  });
  if (uiToken.warning)
    console.error(`warning: ${uiToken.warning}; the URL works for this run only`);
  const explicit = { gatewayUrl: values.gateway, agentId: values.agent };
  const settings = settingsFromEnv(env, explicit);
  const server = await startHeadless({
    ...locate(),
    dataDir,
    settings,
    pinned: pinnedFromEnv(env, explicit, settings),
    port,
    host,
    uiToken: uiToken.token,
    extraOrigins,
    log: (line) => console.error(`[clawdesk] ${line}`),
  });
  console.log(`ClawDesk listening on ${server.url}`);
  await tellStarted(server, uiToken, extraOrigins);
  const stop = (signal: string): void => {
    console.error(`[clawdesk] ${signal}: shutting down`);
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`ClawDesk could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
