import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = resolve(import.meta.dirname, '../..');
const SERVE = join(ROOT, 'src/main/headless/serve.ts');
const READY = /^ClawDesk listening on (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/;
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
/** Environment variable that tags a server and, by inheritance, every worker it forks. */
const MARKER_VAR = 'CLAWDESK_TEST_PROCESS_TAG';
const LOG_LINES = 200;

export interface ServerProcessOptions {
  dataDir: string;
  gatewayUrl: string;
  gatewayToken: string;
  /** CLAWDESK_WORKERS; the server's default when not given. */
  workers?: number;
  uiToken?: string;
  /** Everything the server and its workers print, stdout and stderr, whole (not the tail). */
  logFile?: string;
  /** More environment variables (CLAWDESK_REDIS_URL, CLAWDESK_RATE_PER_WINDOW…). */
  env?: Record<string, string>;
}

export interface ServerProcess {
  /** What the server printed, token included. */
  readonly url: string;
  readonly pid: number;
  /** Shared by the server and its workers, to find them even after they were re-parented. */
  readonly tag: string;
  /** The last lines of stderr (server and workers), for a failure message. */
  readonly log: string[];
  /**
   * With `logFile`: resolves once it holds everything, i.e. after the server and the workers
   * that share its stderr have closed their output (they may outlive a killed server).
   */
  readonly logWritten: Promise<void>;
  /** kill -9, as a crash or the OOM killer would; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (a clean shutdown), SIGKILL if it does not end in time. */
  stop(): Promise<void>;
}

/**
 * Starts the headless server from source (`node src/main/headless/serve.ts`; Node runs the
 * TypeScript directly) as a child process and waits for the line that says where it listens.
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const tag = randomBytes(8).toString('hex');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CLAWDESK_GATEWAY_TOKEN: options.gatewayToken,
    [MARKER_VAR]: tag,
    ...options.env,
  };
  if (options.workers !== undefined) env.CLAWDESK_WORKERS = String(options.workers);
  if (options.uiToken !== undefined) env.CLAWDESK_UI_TOKEN = options.uiToken;
  const args = ['--port', '0', '--data-dir', options.dataDir, '--gateway', options.gatewayUrl];
  const child = spawn(process.execPath, [SERVE, ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    log.push(line);
    if (log.length > LOG_LINES) log.shift();
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const logWritten = options.logFile ? teeOutput(child, options.logFile) : Promise.resolve();
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const kill = async (): Promise<void> => {
    if (!gone()) child.kill('SIGKILL');
    await exited;
  };
  try {
    const url = await waitForUrl(child, log);
    const stop = () => stopGently(child, exited, gone);
    return { url, pid: child.pid!, tag, log, logWritten, kill, stop };
  } catch (error) {
    await kill();
    throw error;
  }
}

function teeOutput(child: ChildProcess, path: string): Promise<void> {
  const file = createWriteStream(path);
  child.stdout!.pipe(file, { end: false });
  child.stderr!.pipe(file, { end: false });
  child.once('close', () => file.end());
  return new Promise((done) => file.once('close', () => done()));
}

function waitForUrl(child: ChildProcess, log: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(
      () => fail(`no "ClawDesk listening on" line within ${START_TIMEOUT_MS} ms`),
      START_TIMEOUT_MS,
    );
    const fail = (why: string): void => {
      clearTimeout(timer);
      reject(new Error(`headless server did not start: ${why}\n${log.join('\n')}`));
    };
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = READY.exec(line.trim());
      if (!match?.[1]) return;
      clearTimeout(timer);
      resolvePromise(match[1]);
    });
    child.once('exit', (code, signal) => fail(`exited with ${signal ?? `code ${code}`}`));
    child.once('error', (error) => fail(error.message));
  });
}

async function stopGently(
  child: ChildProcess,
  exited: Promise<void>,
  gone: () => boolean,
): Promise<void> {
  if (gone()) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** Whether live processes can be found by tag here (Linux /proc); elsewhere the check is off. */
export const canFindTaggedProcesses = existsSync('/proc/self/environ');

/**
 * Live (not zombie) processes carrying the tag: a server's workers, wherever they were
 * re-parented after the server died. A zombie has exited already; only its reaping is left.
 */
export function taggedProcesses(tag: string): number[] {
  if (!canFindTaggedProcesses) return [];
  const needle = `${MARKER_VAR}=${tag}\0`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`, 'latin1').includes(needle)) continue;
      if (isZombie(readFileSync(`/proc/${entry}/stat`, 'latin1'))) continue;
      found.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/**
 * Waits for every process with the tag to end (workers exit when their IPC channel to the
 * server closes). Returns those still alive after `timeoutMs`, after killing them so that a
 * failing run does not leave them behind.
 */
export async function waitForTaggedExit(tag: string, timeoutMs = 5_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = taggedProcesses(tag);
    if (alive.length === 0) return [];
    if (Date.now() >= deadline) {
      for (const pid of alive) killQuietly(pid);
      return alive;
    }
    await sleep(50);
  }
}

/** `pid (comm) state …`; comm may itself hold spaces and parentheses, so read after the last. */
function isZombie(stat: string): boolean {
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
