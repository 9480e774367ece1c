import type { ApiMethod, TaskEvent } from '../../shared/ipc-contract.ts';
import type { StorageProblem } from '../../shared/storage.ts';
import type { ApiHandlers } from './api-dispatcher.ts';
import { ApiRefusal } from './api-dispatcher.ts';
import type { Db } from './database.ts';
import { isReadOnlyCode, storageCode, storageProblem } from './storage-problem.ts';

export interface StorageGuardOptions {
  db: Db;
  /** The data folder, named in what the user is told. */
  folder: string;
  /** How often to try again while writing fails. */
  probeEveryMs: number;
  emit: (event: TaskEvent) => void;
  log: (line: string) => void;
  /** Writing works again: start what waited. */
  recovered: () => void;
  now?: () => number;
}

interface Pending {
  write: () => unknown;
  after: (value: unknown) => void;
}

/**
 * A write that needs fresh pages, not only rewrites of pages already there: SQLite rewrites a
 * row in place on a full disk (and a full WAL can still be reused), so only new data shows
 * whether new tasks would fit.
 */
const PROBE_BYTES = 64 * 1024;

/** Commands that write. While ClawDesk cannot save, they are refused with the reason. */
export const WRITING_METHODS = [
  'chat.send',
  'conversations.rename',
  'conversations.delete',
  'tasks.pause',
  'tasks.resume',
  'tasks.cancel',
  'tasks.retry',
  'tasks.pauseAll',
  'tasks.resumeAll',
  'settings.update',
] as const satisfies readonly ApiMethod[];

/**
 * Disk trouble (issue 7). Every write of the core goes through here. A write that fails
 * because the disk is full, read-only or failing puts the core in a "storage problem" state,
 * told to every window as a `storage` event:
 * - commands that write are refused with the reason (`storage_unavailable`), after one more
 *   try, and change nothing;
 * - what must not be lost (results workers report, streamed text, start-up recovery) waits
 *   here in memory, in order, and is written in one transaction once writing works again;
 * - a probe every `probeEveryMs` (and every refused command) tries again, and clears the
 *   problem when both the waiting writes and a write of new data succeed.
 * Reads never come here: history and the monitor keep working.
 */
export class StorageGuard {
  private readonly opts: StorageGuardOptions;
  private readonly now: () => number;
  private current: StorageProblem | null = null;
  private readonly pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private commandDepth = 0;
  /** The connection cannot write at all: only opening the file again (a restart) helps. */
  private readOnly = false;

  constructor(opts: StorageGuardOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  problem(): StorageProblem | null {
    return this.current;
  }

  /** Writes waiting in memory for the disk. */
  waiting(): number {
    return this.pending.length;
  }

  /** Start-up: the database could only be opened for reading (`code` says why). */
  openedReadOnly(code: string): void {
    this.readOnly = true;
    this.set(code);
  }

  /** Start-up: one write of new data, so a full disk shows before the user's first message. */
  checkAtStart(): void {
    try {
      this.probe();
    } catch (err) {
      const code = this.codeOf(err);
      // A connection SQLite opened read-only (the folder is) stays so until it is reopened.
      if (isReadOnlyCode(code)) this.readOnly = true;
      this.set(code);
    }
  }

  /**
   * Runs a command's writes. While there is a problem it tries again first, and refuses with
   * the reason if writing still fails; a storage failure of the command itself (its own
   * transaction rolled back) becomes the same refusal.
   */
  command<T>(fn: () => T): T {
    if (this.current) this.recheck();
    if (this.current) throw refusal(this.current);
    this.commandDepth++;
    try {
      return fn();
    } catch (err) {
      throw refusal(this.set(this.codeOf(err)));
    } finally {
      this.commandDepth--;
    }
  }

  /** A write that may just not happen now (a claim, a sweep): undefined when it failed. */
  attempt<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      this.set(this.codeOf(err));
      return undefined;
    }
  }

  /**
   * A write that must not be lost. Written now when the disk takes it (true), else kept in
   * order behind the others and written once writing works (false); `after` runs once it is.
   * Inside a command it is simply part of the command, and fails with it.
   */
  background<T>(write: () => T, after: (value: T) => void = () => {}): boolean {
    if (this.commandDepth > 0) {
      after(write());
      return true;
    }
    const entry = { write, after } as Pending;
    // Behind writes already waiting, never ahead of them.
    if (this.current) {
      this.pending.push(entry);
      return false;
    }
    let value: T;
    try {
      value = write();
    } catch (err) {
      this.set(this.codeOf(err));
      this.pending.push(entry);
      return false;
    }
    after(value);
    return true;
  }

  /** Tries the waiting writes and a probe; clears the problem when both work. */
  recheck(): boolean {
    if (!this.current) return true;
    if (this.readOnly) return false;
    try {
      while (this.pending.length > 0) this.flush();
      this.probe();
    } catch (err) {
      this.set(this.codeOf(err));
      return false;
    }
    this.clear();
    return true;
  }

  /** Shutdown: one last try; what still waits is said in the log (those tasks run again). */
  stop(): void {
    if (this.current && !this.readOnly) this.flushQuietly();
    this.stopTimer();
    if (this.pending.length > 0) {
      this.opts.log(
        `${this.pending.length} writes waiting for the disk were not saved (${this.current?.code}); ` +
          'tasks whose results were among them run again at the next start',
      );
    }
  }

  /** Writes everything waiting in one transaction: all of it or, on failure, none of it. */
  private flush(): void {
    const batch = this.pending.slice();
    const { db, log } = this.opts;
    const values = db.transaction(() =>
      batch.map((entry) => {
        try {
          // A savepoint each: a write that fails for another reason (a bug) is dropped alone.
          return db.transaction(entry.write)();
        } catch (err) {
          if (storageCode(err)) throw err;
          log(`a write kept for the disk failed and was dropped: ${String(err)}`);
          return undefined;
        }
      }),
    )();
    this.pending.splice(0, batch.length);
    batch.forEach((entry, i) => {
      try {
        entry.after(values[i]);
      } catch (err) {
        log(`after a kept write: ${String(err)}`);
      }
    });
  }

  private flushQuietly(): void {
    try {
      while (this.pending.length > 0) this.flush();
    } catch {
      // Still failing: stop() says what is lost.
    }
  }

  private probe(): void {
    const { db } = this.opts;
    db.prepare('DELETE FROM storage_probe').run();
    db.prepare('INSERT INTO storage_probe (filler) VALUES (zeroblob(?))').run(PROBE_BYTES);
    db.prepare('DELETE FROM storage_probe').run();
  }

  /** The storage error code of `err`; anything else is rethrown, not a disk matter. */
  private codeOf(err: unknown): string {
    const code = storageCode(err);
    if (code === undefined) throw err;
    return code;
  }

  private set(code: string): StorageProblem {
    const before = this.current;
    // Read-only for good: later writes fail for the same reason, whatever code they give.
    if (before && this.readOnly) return before;
    const next = storageProblem(code, this.opts.folder, this.readOnly, before?.since ?? this.now());
    this.current = next;
    const same =
      before?.kind === next.kind &&
      before.code === next.code &&
      before.restartNeeded === next.restartNeeded;
    if (same) return next;
    this.opts.log(`storage problem (${code}): ${next.message}`);
    this.opts.emit({ type: 'storage', problem: next });
    if (!this.readOnly && !this.timer) {
      this.timer = setInterval(() => this.probeFromTimer(), this.opts.probeEveryMs);
      this.timer.unref();
    } else if (this.readOnly) {
      this.stopTimer();
    }
    return next;
  }

  private probeFromTimer(): void {
    try {
      this.recheck();
    } catch (err) {
      // Not a disk error (those are handled): keep the timer alive, say it once per round.
      this.opts.log(`storage probe failed: ${String(err)}`);
    }
  }

  private clear(): void {
    this.stopTimer();
    this.current = null;
    this.opts.log('storage works again: saving and starting tasks');
    this.opts.emit({ type: 'storage', problem: null });
    this.opts.recovered();
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

function refusal(problem: StorageProblem): ApiRefusal {
  return new ApiRefusal('storage_unavailable', problem.message);
}

/** The handlers, with those that write going through the guard. */
export function guardWrites(handlers: ApiHandlers, guard: StorageGuard): ApiHandlers {
  const guarded = { ...handlers } as Record<ApiMethod, (params: unknown) => unknown>;
  for (const method of WRITING_METHODS) {
    const handler = guarded[method];
    guarded[method] = (params) => guard.command(() => handler(params));
  }
  return guarded as ApiHandlers;
}
