import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { storageCode } from './storage-problem.ts';

/**
 * Where the gateway token lives. Electron keeps it with safeStorage (src/main/electron); the
 * headless host in a 0600 file in the data folder; tests in memory. The token is never stored
 * in SQLite, never logged and never sent to the renderer.
 */
export interface SecretStore {
  readonly kind: 'safe-storage' | 'file' | 'environment' | 'memory';
  get(): string | null;
  set(token: string | null): void;
}

export function memorySecrets(initial: string | null = null): SecretStore {
  let token = initial;
  return {
    kind: 'memory',
    get: () => token,
    set: (value) => {
      token = value;
    },
  };
}

/**
 * A file only its owner can read (0600). `seed`, the token given in the environment, is used
 * for this run and never written: the environment stays the one place it is kept. A token
 * set in Settings afterwards replaces it and is written to the file, as without a seed.
 */
export function fileSecrets(
  path: string,
  seed?: string,
  log?: (line: string) => void,
): SecretStore {
  let fromEnvironment = seed || null;
  if (fromEnvironment) forgetCopy(path, fromEnvironment, log);
  return {
    get kind() {
      return fromEnvironment ? 'environment' : 'file';
    },
    get: () =>
      fromEnvironment ?? (existsSync(path) ? readFileSync(path, 'utf8').trim() || null : null),
    set: (value) => {
      if (value) write(path, value);
      else rmSync(path, { force: true });
      fromEnvironment = null;
    },
  };
}

/**
 * Earlier versions wrote the environment's token to the file: a copy holding exactly that
 * token is removed (one the user typed in Settings, being another, stays for later runs).
 */
function forgetCopy(path: string, seed: string, log?: (line: string) => void): void {
  try {
    if (!existsSync(path) || readFileSync(path, 'utf8').trim() !== seed) return;
    rmSync(path, { force: true });
    log?.(`removed ${path}: it held a copy of the gateway token given in the environment`);
  } catch (err) {
    // A read-only data folder keeps the copy; the start goes on.
    if (storageCode(err) === undefined) throw err;
  }
}

/**
 * Written beside and renamed over the old file: a full disk fails the write, not the token
 * already saved (writing in place truncates it first). A fresh file gets 0600 at creation.
 */
function write(path: string, token: string): void {
  const next = `${path}.${process.pid}.tmp`;
  try {
    rmSync(next, { force: true }); // a leftover would keep its own mode
    writeFileSync(next, `${token}\n`, { mode: 0o600, flag: 'wx' });
    renameSync(next, path);
  } catch (err) {
    rmSync(next, { force: true });
    throw err;
  }
}
