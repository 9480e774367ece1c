import { chmodSync, closeSync, openSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The token files of the two hosts (headless: plain 0600 file; Electron: safeStorage's). */
const TOKEN_FILES = ['gateway-token', 'gateway-token.enc'];

/**
 * The data folder holds the whole history and maybe the gateway token: it is its owner's
 * alone. Both hosts set umask 077 at start, so what they create is private; this fixes what
 * an earlier version (or another umask) left readable by others — the folder 0700, the
 * database with its `-wal`, `-shm` and `-journal` and the token files 0600 — and creates a
 * missing database file 0600 (SQLite gives its `-wal` and `-shm` the database's mode). Only
 * group and other bits are taken away; what it changed is logged, once. Never throws: a
 * folder it cannot change (read-only, someone else's) is the storage checks' business.
 */
export function makePrivate(dbPath: string, log: (line: string) => void): void {
  if (process.platform === 'win32') return; // ACLs, not modes, there
  const folder = dirname(dbPath);
  const db = basename(dbPath);
  createPrivately(dbPath);
  const changed: string[] = [];
  const fix = (path: string, label: string): void => {
    try {
      const mode = statSync(path).mode & 0o777;
      if ((mode & 0o077) === 0) return;
      chmodSync(path, mode & 0o700);
      changed.push(`${label} ${octal(mode)} → ${octal(mode & 0o700)}`);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== 'ENOENT') log(`could not make ${path} private: ${code ?? String(err)}`);
    }
  };
  fix(folder, folder);
  for (const name of [db, `${db}-wal`, `${db}-shm`, `${db}-journal`, ...TOKEN_FILES]) {
    fix(join(folder, name), name);
  }
  if (changed.length > 0) {
    log(`made the data folder readable by you only: ${changed.join(', ')}`);
  }
}

/** An empty file is a new database to SQLite; made here, it is 0600 whatever the umask. */
function createPrivately(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch {
    // There already, or the folder cannot be written: opening the database says which.
  }
}

const octal = (mode: number): string => mode.toString(8).padStart(3, '0');
