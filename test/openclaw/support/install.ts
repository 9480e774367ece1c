/**
 * The real OpenClaw for `npm run test:openclaw`: the npm package `openclaw`, installed on first
 * use into a cache folder, never a dependency of the app (it is ~650 MB and a whole gateway).
 *
 * - version: OPENCLAW_VERSION below; `CLAWDESK_OPENCLAW_VERSION` overrides it.
 * - folder: `~/.cache/clawdesk/openclaw/<version>`; `CLAWDESK_OPENCLAW_CACHE` replaces
 *   `~/.cache/clawdesk/openclaw`.
 * - `npm install --prefix <folder> --ignore-scripts --no-audit --no-fund openclaw@<version>`:
 *   only the npm registry is needed, and none of its install scripts is needed to run the gateway.
 *   It installs into `<folder>.partial-<pid>` and renames, so a cut install is never mistaken
 *   for a good one; a lock folder keeps two test processes from installing at once.
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The OpenClaw release the suite was measured against (docs/openclaw-behaviour.md). */
export const OPENCLAW_VERSION = '2026.9.6';
const LOCK_STALE_MS = 15 * 60_000;

export interface OpenClawInstall {
  version: string;
  /** The folder given to `npm install --prefix`. */
  prefix: string;
  /** `node <entry> gateway run …` starts a gateway. */
  entry: string;
  /** Seconds the install took, or 0 when it was cached. */
  installSeconds: number;
}

export function wantedVersion(): string {
  return process.env.CLAWDESK_OPENCLAW_VERSION?.trim() || OPENCLAW_VERSION;
}

export function installFolder(version = wantedVersion()): string {
  const cache =
    process.env.CLAWDESK_OPENCLAW_CACHE?.trim() || join(homedir(), '.cache/clawdesk/openclaw');
  return join(cache, version);
}

/** OpenClaw's engines field: `>=24.16 <25 || >=26.1`. */
export function assertNodeFitsOpenClaw(version = process.versions.node): void {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const fits = (major === 24 && minor >= 16) || major > 26 || (major === 26 && minor >= 1);
  if (fits) return;
  throw new Error(
    `OpenClaw needs Node >= 24.16 (or >= 26.1); this is Node ${version} (${process.execPath}). ` +
      'Run the suite with `npm run test:openclaw`, which puts the `node` devDependency first on PATH.',
  );
}

function installedVersion(prefix: string): string | undefined {
  try {
    const pkg = join(prefix, 'node_modules/openclaw/package.json');
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** Installs OpenClaw unless the cache already holds that version; returns where it is. */
export async function ensureOpenClaw(version = wantedVersion()): Promise<OpenClawInstall> {
  assertNodeFitsOpenClaw();
  const prefix = installFolder(version);
  const entry = join(prefix, 'node_modules/openclaw/openclaw.mjs');
  const done = (installSeconds: number): OpenClawInstall => ({
    version,
    prefix,
    entry,
    installSeconds,
  });
  if (installedVersion(prefix) === version && existsSync(entry)) return done(0);
  const release = await lock(`${prefix}.lock`);
  try {
    // Another process may have installed it while this one waited for the lock.
    if (installedVersion(prefix) === version && existsSync(entry)) return done(0);
    const started = Date.now();
    const partial = `${prefix}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    await npmInstall(partial, `openclaw@${version}`);
    const got = installedVersion(partial);
    if (version !== 'latest' && got !== version) {
      throw new Error(`npm installed openclaw ${got ?? '(nothing)'} instead of ${version}`);
    }
    rmSync(prefix, { recursive: true, force: true });
    renameSync(partial, prefix);
    return done(Math.round((Date.now() - started) / 100) / 10);
  } finally {
    release();
  }
}

/** A lock folder holding its owner's pid; a lock whose owner is gone (or too old) is taken over. */
async function lock(path: string): Promise<() => void> {
  mkdirSync(dirname(path), { recursive: true });
  for (;;) {
    try {
      mkdirSync(path);
      writeFileSync(join(path, 'pid'), String(process.pid));
      return () => rmSync(path, { recursive: true, force: true });
    } catch {
      if (lockIsStale(path)) rmSync(path, { recursive: true, force: true });
      else await sleep(1000);
    }
  }
}

function lockIsStale(path: string): boolean {
  const held = statSync(path, { throwIfNoEntry: false });
  if (!held) return false;
  if (Date.now() - held.mtimeMs > LOCK_STALE_MS) return true;
  const pid = Number(readFileSync(join(path, 'pid'), { encoding: 'utf8', flag: 'a+' }));
  if (!pid) return Date.now() - held.mtimeMs > 5_000; // its owner is writing the pid now
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as { code?: string }).code === 'ESRCH';
  }
}

/**
 * npm itself: the one running this npm script (`npm_execpath`, run with this Node), else the
 * `npm` on PATH.
 */
function npmInstall(prefix: string, spec: string): Promise<void> {
  const args = ['install', '--prefix', prefix, '--ignore-scripts', '--no-audit', '--no-fund'];
  args.push('--loglevel=error', spec);
  const npmCli = process.env.npm_execpath;
  const [command, argv] =
    npmCli && /npm-cli\.js$/.test(npmCli) ? [process.execPath, [npmCli, ...args]] : ['npm', args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`npm install ${spec} failed (${signal ?? `exit ${code}`})`));
    });
  });
}
