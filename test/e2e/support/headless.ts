import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { recordServerStart, recordServerStop, recordToken } from './leak-scan.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const SERVE = join(ROOT, 'out/main/serve.js');
const LOG_DIR = join(ROOT, 'test-results/server-logs');
const READY = /^ClawDesk listening on (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export interface HeadlessProcess {
  /** The address the server printed, token included: what a user would open. */
  url: string;
  dataDir: string;
  /** Server stderr goes here, for reading after a failure. */
  logFile: string;
  stop(): Promise<void>;
}

export interface HeadlessOptions {
  gatewayUrl: string;
  gatewayToken: string;
  /** A label for the temp folder and log, so several servers stay apart. */
  name: string;
  /** To restart a server where it was: same port, token and data (kept by the caller). */
  port?: number;
  uiToken?: string;
  dataDir?: string;
  /** More environment for the server, e.g. tight limits (`CLAWDESK_RATE_PER_WINDOW`…). */
  env?: Record<string, string>;
  /** More command-line flags (`--new-token`). */
  args?: string[];
}

/**
 * Starts the built headless server (`npm run test:e2e` builds first) on a free port with its
 * own data folder, and waits for the line that says where it listens.
 */
export async function startHeadless(options: HeadlessOptions): Promise<HeadlessProcess> {
  const ownsData = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), `clawdesk-e2e-${options.name}-`));
  // Outside the data folder, which is deleted: the log is what you read after a failure.
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = join(LOG_DIR, `${options.name}-${Date.now()}.log`);
  const args = [
    '--port',
    String(options.port ?? 0),
    '--data-dir',
    dataDir,
    ...(options.args ?? []),
  ];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    CLAWDESK_GATEWAY_TOKEN: options.gatewayToken,
  };
  if (options.uiToken) env.CLAWDESK_UI_TOKEN = options.uiToken;
  const child = spawn(process.execPath, [SERVE, ...args, '--gateway', options.gatewayUrl], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  const logWritten = new Promise<void>((done) => log.once('close', () => done()));
  child.stderr?.pipe(log);
  recordServerStart(options.name, logFile, dataDir);
  recordToken(options.gatewayToken, `server-${options.name}`);
  const stop = async (): Promise<void> => {
    await stopChild(child);
    // The log ends when workers sharing its stderr have gone too; a stray one must not hang us.
    await Promise.race([logWritten, sleep(STOP_TIMEOUT_MS, undefined, { ref: false })]);
    recordServerStop(options.name, dataDir);
    if (ownsData) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const url = await waitForUrl(child, logFile);
    return { url, dataDir, logFile, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function waitForUrl(child: ChildProcess, logFile: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(
      () => fail(`no "ClawDesk listening on" line within ${START_TIMEOUT_MS} ms`),
      START_TIMEOUT_MS,
    );
    const fail = (why: string): void => {
      clearTimeout(timer);
      reject(new Error(`headless server did not start: ${why} (stderr in ${logFile})`));
    };
    lines.on('line', (line) => {
      const match = READY.exec(line.trim());
      if (!match?.[1]) return;
      clearTimeout(timer);
      resolvePromise(match[1]);
    });
    child.once('exit', (code, signal) => fail(`exited with ${signal ?? `code ${code}`}`));
    child.once('error', (error) => fail(error.message));
  });
}

/** SIGTERM lets the server stop its workers; SIGKILL if it does not go in time. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** A loopback port nothing listens on: bound, noted, released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}
