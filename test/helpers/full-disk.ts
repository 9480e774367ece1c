import type { Db } from '../../src/main/core/database.ts';

/**
 * A full disk made with SQLite itself (root ignores file modes, and a test run should not fill a
 * real disk): no page beyond those the file has, and every free page and scrap of room in them
 * taken by ballast, as a disk with no free block left. What needs new room now fails.
 */
export function fillDisk(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS test_ballast (b BLOB NOT NULL)');
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`);
  const insert = db.prepare('INSERT INTO test_ballast (b) VALUES (zeroblob(?))');
  for (const bytes of [65_536, 4096, 256, 16]) {
    try {
      for (;;) insert.run(bytes);
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_FULL') throw err;
    }
  }
}

/** Room again: SQLite's own ceiling. */
export function freeDisk(db: Db): void {
  db.pragma('max_page_count = 1073741823');
}
