import { accessSync, constants, existsSync, mkdirSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StorageProblem, StorageProblemKind } from '../../shared/storage.ts';

/** Below this much free space an I/O error is taken for a full disk. */
const NEARLY_FULL_BYTES = 1024 * 1024;

/**
 * The error code when `err` says the disk cannot take writes: better-sqlite3's SqliteError and
 * Node's fs errors both carry `code`. Anything else (a bug, a constraint) is not a storage
 * problem and stays an error.
 */
export function storageCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  return kindOfCode(code) ? code : undefined;
}

function kindOfCode(code: string): StorageProblemKind | 'io' | undefined {
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return 'full';
  if (/^SQLITE_(READONLY|CANTOPEN)/.test(code)) return 'read_only';
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return 'read_only';
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') return 'io';
  return undefined;
}

/** An I/O error on a disk with no room left is the full disk the user can do something about. */
function kindOf(code: string, folder: string): StorageProblemKind {
  const kind = kindOfCode(code);
  if (kind !== 'io') return kind ?? 'failing';
  try {
    const fs = statfsSync(folder);
    return fs.bavail * fs.bsize < NEARLY_FULL_BYTES ? 'full' : 'failing';
  } catch {
    return 'failing';
  }
}

export function isReadOnlyCode(code: string): boolean {
  return kindOfCode(code) === 'read_only';
}

/** The sentence for the user: what is wrong, where, and what to do about it. */
export function storageProblem(
  code: string,
  folder: string,
  restartNeeded: boolean,
  since: number,
): StorageProblem {
  const kind = restartNeeded ? 'read_only' : kindOf(code, folder);
  const after = restartNeeded
    ? 'Make the folder writable, then start ClawDesk again.'
    : 'ClawDesk tries again by itself.';
  const message = {
    full: `cannot save: the disk holding ${folder} is full. Free some space on it; ${after}`,
    read_only: restartNeeded
      ? `cannot save: ${folder} is read-only, so ClawDesk opened its history read-only. ${after}`
      : `cannot save: ${folder} is read-only. Make it writable; ${after}`,
    failing: `cannot save: writing to ${folder} fails (${code}). Check that disk; ${after}`,
  }[kind];
  return { kind, folder, code, message, since, restartNeeded };
}

/**
 * Creates `folder` (and its parents), or fails with a sentence naming the folder that cannot
 * be written and why: Node's recursive mkdir says ENOENT on a read-only file system.
 */
export function ensureFolder(folder: string): void {
  try {
    // Its owner's alone (issue 13), whatever the umask; parents made here too.
    mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch (err) {
    let existing = dirname(folder);
    while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
    try {
      accessSync(existing, constants.W_OK);
    } catch (denied) {
      const code = (denied as { code?: string }).code ?? 'EACCES';
      const what = code === 'EROFS' ? 'is read-only' : 'cannot be written';
      const message = `cannot create the folder ${folder}: ${existing} ${what} (${code})`;
      throw Object.assign(new Error(message), { code });
    }
    throw err;
  }
}
