import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Db } from './database.ts';
import { openDatabase } from './database.ts';
import { migrations } from './migrations.ts';
import { storageCode } from './storage-problem.ts';

export interface OpenedStorage {
  db: Db;
  /** Set when the database could only be opened for reading: the error code of why. */
  readOnlyBecause: string | null;
}

/** The database cannot be opened at all; the message names the file and the reason. */
export class StorageOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageOpenError';
  }
}

/**
 * Opens the database for writing, or, when the folder cannot be written (read-only mount,
 * permissions), for reading only: the user still has their history, and is told what to do
 * about the rest. Fails with a sentence naming the path and the reason when even that cannot
 * be done (no database yet, an older schema that would need migrating).
 */
export function openStorage(path: string, onOpen?: (db: Db) => void): OpenedStorage {
  try {
    return { db: openDatabase(path, onOpen), readOnlyBecause: null };
  } catch (err) {
    const code = storageCode(err);
    if (code === undefined) throw err;
    const reason = `${dirname(path)} cannot be written (${code}: ${messageOf(err)})`;
    if (!existsSync(path)) {
      throw new StorageOpenError(`cannot create the database ${path}: ${reason}`);
    }
    const db = openForReading(path, reason, onOpen);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version === 0) {
      db.close();
      throw new StorageOpenError(`cannot create the database ${path}: ${reason}`);
    }
    if (version !== migrations.length) {
      db.close();
      throw new StorageOpenError(
        `cannot open the database ${path}: its schema is version ${version}, this ClawDesk ` +
          `uses ${migrations.length}, and it cannot be changed: ${reason}`,
      );
    }
    return { db, readOnlyBecause: code };
  }
}

function openForReading(path: string, reason: string, onOpen?: (db: Db) => void): Db {
  // SQLite's own read-only mode works while the WAL's `-shm` index exists (after a crash, say).
  try {
    return checked(new Database(path, { readonly: true, fileMustExist: true }), onOpen);
  } catch {
    // A database closed cleanly has no `-shm`, and SQLite can neither create one in a
    // read-only folder nor read a WAL database without it.
  }
  const wal = `${path}-wal`;
  if (existsSync(wal) && statSync(wal).size > 0) {
    throw new StorageOpenError(
      `cannot open the database ${path}: ${reason}, and its last changes are in ${wal}, which ` +
        'cannot be read without writing',
    );
  }
  // Without a WAL file every commit is in the main file: read a snapshot of it into memory,
  // marked as a rollback-journal database (header bytes 18-19) so SQLite looks for no WAL.
  const bytes = readFileSync(path);
  if (bytes.length >= 100) bytes.fill(1, 18, 20);
  try {
    return checked(new Database(bytes, { readonly: true }), onOpen);
  } catch (err) {
    throw new StorageOpenError(`cannot open the database ${path}: ${reason}; ${messageOf(err)}`);
  }
}

/** The connection, once a read shows it works. */
function checked(db: Db, onOpen?: (db: Db) => void): Db {
  try {
    onOpen?.(db);
    db.pragma('user_version', { simple: true });
    db.pragma('foreign_keys = ON');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
