import Database from 'better-sqlite3';

/** Every row of every table, one entry per table, rows in a stable order. */
export type DatabaseSnapshot = Record<string, string[]>;

/**
 * Reads a live server's database through its own read-only connection (WAL lets it read
 * beside the writer) and returns every table's rows as JSON lines, so two snapshots compare
 * with `toEqual` and a difference names the table and the row.
 */
export function snapshotDatabase(path: string): DatabaseSnapshot {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all() as string[];
    const snapshot: DatabaseSnapshot = {};
    for (const table of tables) {
      const rows = db.prepare(`SELECT * FROM "${table.replaceAll('"', '""')}"`).all();
      // Sorted: a table without a primary key has no order to rely on.
      snapshot[table] = rows.map((row) => JSON.stringify(row)).sort();
    }
    snapshot['(user_version)'] = [String(db.pragma('user_version', { simple: true }))];
    return snapshot;
  } finally {
    db.close();
  }
}
