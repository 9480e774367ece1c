import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

const START_TIMEOUT_MS = 10_000;

/**
 * Whether a `redis-server` can be started here. The shared-budget tests run against a real one
 * where it exists; elsewhere they are skipped with one line saying why, except under CI, where a
 * missing server is a failure (.ci/run installs Debian's `redis-server`).
 */
function whyNoRedis(): string | undefined {
  const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    return 'redis-server is not installed (Debian: apt-get install redis-server)';
  }
  return undefined;
}

export const NO_REDIS = whyNoRedis();

/** True when the tests needing Redis should be skipped; says why, once, on stderr. */
export function skipWithoutRedis(suite: string): boolean {
  if (NO_REDIS === undefined || process.env.CI) return false;
  process.stderr.write(`skipped ${suite}: ${NO_REDIS}\n`);
  return true;
}

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** kill -9: everything it held is gone (no persistence). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  /** SIGTERM, then waits for it to end. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function launch(port: number): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail('no "Ready to accept connections"'), START_TIMEOUT_MS);
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`redis-server on port ${port} did not start: ${why}\n${lines.join('\n')}`));
    };
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (!/Ready to accept connections/.test(line)) return;
      clearTimeout(timer);
      resolve(child);
    });
    child.once('exit', (code, signal) => fail(`exited with ${signal ?? `code ${code}`}`));
  });
}

function ended(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** A loopback port nothing listens on now (to start a server there later). */
export { freePort };

/** A `redis-server` on a free loopback port (or `port`), saving nothing to disk. Stop it after. */
export async function startRedis(port?: number): Promise<RedisServer> {
  port ??= await freePort();
  let child = await launch(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async kill() {
      child.kill('SIGKILL');
      await ended(child);
    },
    async restart() {
      await ended(child);
      child = await launch(port);
    },
    async stop() {
      child.kill('SIGTERM');
      await ended(child);
    },
  };
}
