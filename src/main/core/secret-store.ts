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

/** A file only its owner can read (0600); `seed` (e.g. from the environment) wins when set. */
export function fileSecrets(path: string, seed?: string): SecretStore {
  // A seed that cannot be written (a full or read-only data folder, issue 7) is still used.
  let unwritten: string | null = null;
  if (seed) {
    try {
      write(path, seed);
    } catch (err) {
      if (storageCode(err) === undefined) throw err;
      unwritten = seed;
    }
  }
  return {
    kind: seed ? 'environment' : 'file',
    get: () => unwritten ?? (existsSync(path) ? readFileSync(path, 'utf8').trim() || null : null),
    set: (value) => {
      if (value) write(path, value);
      else rmSync(path, { force: true });
      unwritten = null;
    },
  };
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
