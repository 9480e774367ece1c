/**
 * The core's guard of every write (issue 7), on a SQLite database in memory made "full" with
 * `max_page_count`: which errors are disk trouble, the order and all-or-nothing of writes
 * kept for later, refusals of commands, and the probe that clears the problem.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ApiRefusal } from '../../src/main/core/api-dispatcher.ts';
import { openDatabase, type Db } from '../../src/main/core/database.ts';
import { fileSecrets } from '../../src/main/core/secret-store.ts';
import { StorageGuard } from '../../src/main/core/storage-guard.ts';
import { storageCode, storageProblem } from '../../src/main/core/storage-problem.ts';
import type { TaskEvent } from '../../src/shared/ipc-contract.ts';

const err = (code: string) => Object.assign(new Error(code), { code });

describe('which errors are disk trouble', () => {
  test('full, read-only and I/O failures, from SQLite or the system', () => {
    for (const code of [
      'SQLITE_FULL',
      'SQLITE_IOERR_WRITE',
      'SQLITE_READONLY',
      'SQLITE_READONLY_DBMOVED',
      'SQLITE_CANTOPEN',
      'ENOSPC',
      'EROFS',
      'EIO',
    ]) {
      expect(storageCode(err(code))).toBe(code);
    }
  });

  test('anything else stays an error', () => {
    expect(storageCode(err('SQLITE_CONSTRAINT_PRIMARYKEY'))).toBeUndefined();
    expect(storageCode(new Error('bug'))).toBeUndefined();
    expect(storageCode(null)).toBeUndefined();
  });

  test('an I/O error on a disk with room is not called full', () => {
    const problem = storageProblem('SQLITE_IOERR_WRITE', tmpdir(), false, 5);
    expect(problem).toMatchObject({ kind: 'failing', since: 5, restartNeeded: false });
    expect(problem.message).toBe(
      `cannot save: writing to ${tmpdir()} fails (SQLITE_IOERR_WRITE). Check that disk; ` +
        'ClawDesk tries again by itself.',
    );
    expect(storageProblem('ENOSPC', '/data', false, 1).kind).toBe('full');
    expect(storageProblem('EROFS', '/data', false, 1).message).toBe(
      'cannot save: /data is read-only. Make it writable; ClawDesk tries again by itself.',
    );
  });
});

// Linux's sysfs refuses new files with EACCES, even to root: a folder that cannot be written.
// (Not /dev/full: the token is written beside its file and renamed over it.)
test.runIf(existsSync('/sys/kernel'))(
  'a token from the environment is used even where it cannot be written',
  () => {
    const secrets = fileSecrets('/sys/kernel/clawdesk-gateway-token', 'from-the-environment');
    expect(secrets.get()).toBe('from-the-environment');
    expect(secrets.kind).toBe('environment');
  },
);

describe('StorageGuard', () => {
  let db: Db;
  let events: TaskEvent[];
  let log: string[];
  let recovered: number;
  let guard: StorageGuard;

  beforeEach(() => {
    db = openDatabase(':memory:');
    db.exec('CREATE TABLE t (v TEXT NOT NULL)');
    events = [];
    log = [];
    recovered = 0;
    guard = new StorageGuard({
      db,
      folder: '/data',
      probeEveryMs: 60_000,
      emit: (e) => events.push(e),
      log: (line) => log.push(line),
      recovered: () => recovered++,
      now: () => 42,
    });
  });
  afterEach(() => {
    guard.stop();
    db.close();
  });

  const fill = () => db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`);
  const free = () => db.pragma('max_page_count = 1073741823');
  const big = (v: string) => () => db.prepare('INSERT INTO t VALUES (?)').run(v.repeat(20_000));
  const rows = () => db.prepare('SELECT substr(v, 1, 1) AS v FROM t').all() as { v: string }[];

  test('writes kept for the disk wait in order and are written together, then the problem clears', () => {
    fill();
    const after: string[] = [];
    expect(guard.background(big('a'), () => after.push('a'))).toBe(false);
    expect(guard.problem()).toMatchObject({ kind: 'full', code: 'SQLITE_FULL', since: 42 });
    // Behind the first, even though this one alone would fit.
    expect(guard.background(() => db.prepare("INSERT INTO t VALUES ('b')").run())).toBe(false);
    expect(guard.waiting()).toBe(2);
    expect(guard.recheck()).toBe(false);
    expect(rows()).toEqual([]); // all or nothing

    free();
    expect(guard.recheck()).toBe(true);
    expect(rows()).toEqual([{ v: 'a' }, { v: 'b' }]);
    expect(after).toEqual(['a']);
    expect(recovered).toBe(1);
    const told = events.map((e) => (e.type === 'storage' ? (e.problem?.kind ?? null) : e.type));
    expect(told).toEqual(['full', null]);
  });

  test('a kept write failing for another reason is dropped alone, and said', () => {
    fill();
    guard.background(big('a'));
    guard.background(() => {
      throw new Error('a bug');
    });
    free();
    expect(guard.recheck()).toBe(true);
    expect(rows()).toEqual([{ v: 'a' }]);
    expect(log.some((l) => l.includes('dropped: Error: a bug'))).toBe(true);
  });

  test('commands are refused with the reason while it lasts; other errors pass through', () => {
    fill();
    expect(() => guard.command(big('c'))).toThrow(
      new ApiRefusal(
        'storage_unavailable',
        'cannot save: the disk holding /data is full. Free some space on it; ClawDesk tries again by itself.',
      ),
    );
    let ran = false;
    expect(() => guard.command(() => (ran = true))).toThrow(ApiRefusal);
    expect(ran).toBe(false);
    free();
    expect(guard.command(() => 'done')).toBe('done');
    expect(() =>
      guard.command(() => {
        throw new RangeError('not a disk matter');
      }),
    ).toThrow(RangeError);
    expect(guard.problem()).toBeNull();
  });

  test('inside a command a write is part of it: its failure is the refusal, nothing kept', () => {
    fill();
    expect(() => guard.command(() => guard.background(big('d')))).toThrow(ApiRefusal);
    expect(guard.waiting()).toBe(0);
  });

  test('a write that may simply not happen', () => {
    fill();
    expect(guard.attempt(big('e'))).toBeUndefined();
    expect(guard.problem()?.kind).toBe('full');
    expect(guard.attempt(() => 7)).toBe(7);
  });

  test('a database opened read-only: no retrying, a restart is what helps', () => {
    guard.openedReadOnly('SQLITE_CANTOPEN');
    expect(guard.problem()).toMatchObject({ kind: 'read_only', restartNeeded: true });
    expect(guard.recheck()).toBe(false);
  });

  test('at start: a connection that cannot write is read-only for good', () => {
    db.pragma('query_only = 1');
    guard.checkAtStart();
    expect(guard.problem()).toMatchObject({ code: 'SQLITE_READONLY', restartNeeded: true });
  });

  test('closing with writes still waiting says so', () => {
    fill();
    guard.background(big('f'));
    guard.stop();
    expect(log.at(-1)).toMatch(/^1 writes waiting for the disk were not saved \(SQLITE_FULL\)/);
  });
});
