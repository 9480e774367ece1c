import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from './migrations.ts';
import { ensureFolder } from './storage-problem.ts';

export type Db = Database.Database;
export type Statement = Database.Statement;

/**
 * Opens (creating if needed) the ClawDesk database: WAL so readers never wait for the writer,
 * synchronous=NORMAL which in WAL mode is durable across a process crash (only an OS crash can
 * lose the last commits), foreign keys on, and every pending migration applied. `onOpen` sees
 * the connection before anything is written (tests use it to make the disk "full").
 */
export function openDatabase(path: string, onOpen?: (db: Db) => void): Db {
  if (path !== ':memory:') ensureFolder(dirname(path));
  const db = new Database(path);
  try {
    onOpen?.(db);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (err) {
    // A half-set-up connection would keep the file open under whoever tries next.
    db.close();
    throw err;
  }
}

export function migrate(db: Db): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(
      `database schema version ${current} is newer than this ClawDesk knows (${migrations.length}); update ClawDesk`,
    );
  }
  for (let version = current + 1; version <= migrations.length; version++) {
    const sql = migrations[version - 1] as string;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  }
  return migrations.length;
}

/**
 * Base of the stores: one connection, statements prepared once and reused (preparing costs
 * about as much as a small insert), an injectable clock.
 */
export class SqlStore {
  protected readonly db: Db;
  protected readonly now: () => number;
  private readonly statements = new Map<string, Statement>();

  constructor(db: Db, now: () => number = Date.now) {
    this.db = db;
    this.now = now;
  }

  /** Runs `fn` in one transaction (nested calls become savepoints). */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  protected prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
