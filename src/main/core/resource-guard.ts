import { statfsSync } from 'node:fs';
import type { TaskEvent } from '../../shared/ipc-contract.ts';
import type { ResourceAlert } from '../../shared/monitor.ts';

const MB = 1024 * 1024;

/**
 * Hysteresis: an episode ends only once the reading is this far back inside the limit, so a
 * value wobbling around it is one alert, not one per reading.
 */
export const MEMORY_CLEAR_RATIO = 0.9;
export const DISK_CLEAR_RATIO = 1.1;

/** What the guard reads; tests pass their own. */
export interface ResourceReader {
  rssBytes(): number;
  /** Free bytes for an unprivileged user on the disk holding `folder`. */
  freeBytes(folder: string): number;
}

export const systemReader: ResourceReader = {
  rssBytes: () => process.memoryUsage.rss(),
  freeBytes: (folder) => {
    const fs = statfsSync(folder);
    return fs.bavail * fs.bsize;
  },
};

export interface ResourceGuardOptions {
  /** The data folder: the disk it is on is the one watched. */
  folder: string;
  /** Read at every check, so a change in Settings applies at the next one. */
  limits: () => { memoryMb: number; freeDiskMb: number };
  everyMs: number;
  emit: (event: TaskEvent) => void;
  log: (line: string) => void;
  now?: () => number;
  reader?: ResourceReader;
}

const mb = (bytes: number): string => `${Math.round(bytes / MB).toLocaleString('en')} MB`;

/**
 * The main process's guard (issue 13): the seed wants main under 500 MB, and a full disk
 * under the data folder stops all saving. It reads main's RSS and the disk's free space every
 * `everyMs` (and on demand), and emits a `resources` event when an alert begins or ends; the
 * task monitor, the tray and one notification per episode tell the user.
 */
export class ResourceGuard {
  readonly #options: ResourceGuardOptions;
  readonly #reader: ResourceReader;
  readonly #alerts = new Map<ResourceAlert['kind'], ResourceAlert>();
  readonly #timer: NodeJS.Timeout;
  readonly #first: NodeJS.Immediate;
  /** Said once per stretch of failures, not every few seconds. */
  #diskUnreadable = false;

  constructor(options: ResourceGuardOptions) {
    this.#options = options;
    this.#reader = options.reader ?? systemReader;
    // The first look waits a turn, for the hosts' tray and notifications to be listening.
    this.#first = setImmediate(() => this.check());
    this.#first.unref();
    this.#timer = setInterval(() => this.check(), options.everyMs);
    this.#timer.unref();
  }

  /** Reads both now; emits when an alert began or ended. Returns the alerts in force. */
  check(): ResourceAlert[] {
    const limits = this.#options.limits();
    const memory = this.#memory(limits.memoryMb * MB);
    const disk = this.#disk(limits.freeDiskMb * MB);
    if (memory || disk) this.#options.emit({ type: 'resources', alerts: this.alerts() });
    return this.alerts();
  }

  alerts(): ResourceAlert[] {
    return [...this.#alerts.values()].map((alert) => ({ ...alert }));
  }

  stop(): void {
    clearImmediate(this.#first);
    clearInterval(this.#timer);
  }

  #memory(limit: number): boolean {
    const rss = this.#reader.rssBytes();
    return this.#track('memory', rss, limit, rss > limit, rss < limit * MEMORY_CLEAR_RATIO);
  }

  #disk(minimum: number): boolean {
    let free: number;
    try {
      free = this.#reader.freeBytes(this.#options.folder);
    } catch (err) {
      // A folder that cannot be looked at (gone, no permission): the storage checks say so.
      if (!this.#diskUnreadable)
        this.#options.log(`resource guard: cannot read free space: ${String(err)}`);
      this.#diskUnreadable = true;
      return false;
    }
    this.#diskUnreadable = false;
    const off = minimum === 0;
    return this.#track(
      'disk',
      free,
      minimum,
      !off && free < minimum,
      off || free > minimum * DISK_CLEAR_RATIO,
    );
  }

  /** One kind's episode: begins when `over`, ends when `clear`; true when either happened. */
  #track(
    kind: ResourceAlert['kind'],
    value: number,
    limit: number,
    over: boolean,
    clear: boolean,
  ): boolean {
    const alert = this.#alerts.get(kind);
    if (alert && clear) {
      this.#alerts.delete(kind);
      this.#options.log(`${describe(kind, value, limit)}: back within the limit`);
      return true;
    }
    if (alert) {
      Object.assign(alert, { valueBytes: value, limitBytes: limit });
      return false;
    }
    if (!over) return false;
    const now = (this.#options.now ?? Date.now)();
    const path = this.#options.folder;
    this.#alerts.set(kind, { kind, valueBytes: value, limitBytes: limit, path, since: now });
    this.#options.log(`${describe(kind, value, limit)}: over the limit`);
    return true;
  }
}

function describe(kind: ResourceAlert['kind'], value: number, limit: number): string {
  return kind === 'memory'
    ? `main process memory ${mb(value)} (limit ${mb(limit)})`
    : `free disk space ${mb(value)} (at least ${mb(limit)} wanted)`;
}
