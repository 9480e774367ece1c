import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import Database from 'better-sqlite3';

/**
 * The "no secret leaks" check: looks for gateway tokens in log files, in a data folder (every
 * file's raw bytes, and every value of every table of every SQLite file through a read
 * connection) and in texts such as the frames a page received. Shared by the e2e run's global
 * teardown and test/integration/secret-leaks.test.ts.
 */

export interface Leak {
  /** Which token, masked: the report must not itself print it in full. */
  token: string;
  where: string;
}

/**
 * A folder walked recursively. `allowed` lists paths relative to it that may hold a token:
 * only `gateway-token`, the headless host's 0600 token file.
 */
export interface ScanDir {
  path: string;
  allowed?: readonly string[];
}

export interface ScanText {
  where: string;
  text: string;
}

export interface ScanTargets {
  /** Read whole, e.g. server logs. */
  files?: readonly string[];
  dirs?: readonly ScanDir[];
  texts?: readonly ScanText[];
}

/** Shorter "tokens" (e.g. a test's "t") would match by chance; none of ours is that short. */
export const MIN_TOKEN_CHARS = 6;

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

export function scanForSecrets(tokens: readonly string[], targets: ScanTargets): Leak[] {
  const secrets = [...new Set(tokens)]
    .filter((t) => t.length >= MIN_TOKEN_CHARS)
    .map((token) => ({ masked: mask(token), token, needles: needlesOf(token) }));
  if (secrets.length === 0) throw new Error('secret scan: no token to look for');
  const leaks: Leak[] = [];
  const inBytes = (bytes: Buffer, where: string): void => {
    for (const s of secrets) {
      if (s.needles.some((n) => bytes.includes(n))) leaks.push({ token: s.masked, where });
    }
  };
  const inText = (text: string, where: string): void => {
    for (const s of secrets) if (text.includes(s.token)) leaks.push({ token: s.masked, where });
  };

  for (const file of targets.files ?? []) inBytes(readFileSync(file), file);
  for (const dir of targets.dirs ?? []) {
    const allowed = new Set(dir.allowed ?? []);
    for (const file of filesUnder(dir.path)) {
      if (allowed.has(relative(dir.path, file).split(sep).join('/'))) continue;
      const bytes = readFileSync(file);
      inBytes(bytes, file);
      // A value longer than a page is split over overflow pages, where raw bytes can cut a
      // token in two: read every value through SQLite as well.
      if (bytes.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) {
        for (const value of sqliteValues(file)) {
          if (typeof value.value === 'string') inText(value.value, value.where);
          else inBytes(value.value, value.where);
        }
      }
    }
  }
  for (const { where, text } of targets.texts ?? []) inText(text, where);
  return leaks;
}

/** One line per leak, for an assertion message or the teardown's error. */
export function describeLeaks(leaks: readonly Leak[]): string {
  return leaks.map((l) => `gateway token ${l.token} found in ${l.where}`).join('\n');
}

/** The token as written raw (UTF-8 and UTF-16), URL-encoded and JSON-escaped. */
function needlesOf(token: string): Buffer[] {
  const forms = new Set([token, encodeURIComponent(token), JSON.stringify(token).slice(1, -1)]);
  return [...forms].flatMap((f) => [Buffer.from(f, 'utf8'), Buffer.from(f, 'utf16le')]);
}

function mask(token: string): string {
  return `"${token.slice(0, 4)}…" (${token.length} chars)`;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile() || statSync(path).isFile()) out.push(path);
  }
  return out;
}

interface SqlValue {
  where: string;
  value: string | Buffer;
}

/** Every text and blob value of every table (sqlite_master's SQL included). */
function sqliteValues(file: string): SqlValue[] {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    // A database the check cannot read is a check that did not happen: say so, loudly.
    throw new Error(`secret scan: cannot open ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    const values: SqlValue[] = [];
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .pluck()
      .all() as string[];
    for (const table of ['sqlite_master', ...tables]) {
      const rows = db.prepare(`SELECT * FROM "${table.replaceAll('"', '""')}"`).all() as Record<
        string,
        unknown
      >[];
      rows.forEach((row, index) => {
        for (const [column, value] of Object.entries(row)) {
          if (typeof value === 'string' || Buffer.isBuffer(value)) {
            values.push({ where: `${file}: ${table}.${column} (row ${index + 1})`, value });
          }
        }
      });
    }
    return values;
  } finally {
    db.close();
  }
}
