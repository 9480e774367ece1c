import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makePrivate } from '../../src/main/core/private-data.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * Issue 13, finding 4: the data folder and the files holding the history or a token are their
 * owner's alone. Modes are asserted as bits: root (the test machines) ignores them for access.
 */

const modeOf = (path: string): number => statSync(path).mode & 0o777;

let dir: ReturnType<typeof tempDir>;
let data: string;
let log: string[];
beforeEach(() => {
  dir = tempDir('clawdesk-modes-');
  data = join(dir.path, 'data');
  mkdirSync(data);
  log = [];
});
afterEach(() => dir.cleanup());

describe.skipIf(process.platform === 'win32')('makePrivate', () => {
  it('fixes a data folder an earlier version left readable, and says what it changed once', () => {
    chmodSync(data, 0o755);
    for (const name of ['clawdesk.sqlite', 'clawdesk.sqlite-wal', 'clawdesk.sqlite-shm']) {
      writeFileSync(join(data, name), '');
      chmodSync(join(data, name), 0o644);
    }
    writeFileSync(join(data, 'gateway-token'), 'x\n');
    chmodSync(join(data, 'gateway-token'), 0o640);
    writeFileSync(join(data, 'notes.txt'), '');
    chmodSync(join(data, 'notes.txt'), 0o644);

    makePrivate(join(data, 'clawdesk.sqlite'), (line) => log.push(line));
    expect(modeOf(data)).toBe(0o700);
    for (const name of ['clawdesk.sqlite', 'clawdesk.sqlite-wal', 'clawdesk.sqlite-shm']) {
      expect(modeOf(join(data, name)), name).toBe(0o600);
    }
    expect(modeOf(join(data, 'gateway-token'))).toBe(0o600);
    // Not ours to change (and unreachable for others behind the 0700 folder anyway).
    expect(modeOf(join(data, 'notes.txt'))).toBe(0o644);
    expect(log).toEqual([
      `made the data folder readable by you only: ${data} 755 → 700, clawdesk.sqlite 644 → 600, ` +
        'clawdesk.sqlite-wal 644 → 600, clawdesk.sqlite-shm 644 → 600, gateway-token 640 → 600',
    ]);

    makePrivate(join(data, 'clawdesk.sqlite'), (line) => log.push(line));
    expect(log).toHaveLength(1);
  });

  it('creates a missing database file 0600 whatever the umask, and leaves owner bits alone', () => {
    const previous = process.umask(0o000);
    try {
      chmodSync(data, 0o750);
      makePrivate(join(data, 'db.sqlite'), (line) => log.push(line));
    } finally {
      process.umask(previous);
    }
    expect(readdirSync(data)).toEqual(['db.sqlite']);
    expect(modeOf(join(data, 'db.sqlite'))).toBe(0o600);
    expect(modeOf(data)).toBe(0o700);
  });

  it('a read-only file stays read-only', () => {
    writeFileSync(join(data, 'clawdesk.sqlite'), '');
    chmodSync(join(data, 'clawdesk.sqlite'), 0o444);
    makePrivate(join(data, 'clawdesk.sqlite'), (line) => log.push(line));
    expect(modeOf(join(data, 'clawdesk.sqlite'))).toBe(0o400);
  });
});
