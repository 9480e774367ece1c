import type { MainToWorker, WorkerToMain } from '../../shared/worker-protocol.ts';
import { WorkerToMainSchema } from '../../shared/worker-protocol.ts';
import type { SpawnWorker, WorkerHandle } from './worker-port.ts';

export interface JobRef {
  taskId: string;
  attempt: number;
}

export interface PooledWorker {
  readonly id: number;
  readonly handle: WorkerHandle;
  ready: boolean;
  job: JobRef | null;
  /** Last time anything came from it (heartbeats included). */
  lastSeen: number;
  rssBytes: number;
  /** Set when its job was aborted: it must report by then or be killed. */
  abortDeadline: number | null;
  /** Why we killed it, for the task's error and the log. */
  killReason: string | null;
}

export type WorkerReport = Exclude<WorkerToMain, { type: 'ready' } | { type: 'heartbeat' }>;

export interface WorkerPoolEvents {
  /** A parsed report from a worker; the pool has already dropped anything malformed. */
  onMessage(worker: PooledWorker, message: WorkerReport): void;
  /** A worker became ready for a job. */
  onIdle(): void;
  /** A worker went away; `job` is what it was running, to be retried by the caller. */
  onExit(worker: PooledWorker, job: JobRef | null, reason: string): void;
}

export interface WorkerPoolLimits {
  size: number;
  /**
   * Workers whose job waits on the user (a tool call to approve), not on the gateway. Up to
   * `size` of them do not count against `size`: unanswered questions must not stall the queue.
   */
  parked?: number;
  heartbeatTimeoutMs: number;
  memoryLimitBytes: number;
  abortGraceMs: number;
}

/**
 * Worker processes, started lazily up to `size`, one job each at a time. A watchdog kills a
 * worker that stops heartbeating (hung), outgrows its memory limit, or ignores an abort; a
 * worker that exits is forgotten and the next demand starts a new one at once.
 */
export class WorkerPool {
  private readonly workers = new Set<PooledWorker>();
  private nextId = 1;
  private closed = false;
  private readonly watchdog: NodeJS.Timeout;
  private readonly spawn: SpawnWorker;
  private readonly limits: () => WorkerPoolLimits;
  private readonly events: WorkerPoolEvents;
  private readonly log: (line: string) => void;

  constructor(
    spawn: SpawnWorker,
    limits: () => WorkerPoolLimits,
    events: WorkerPoolEvents,
    log: (line: string) => void,
  ) {
    this.spawn = spawn;
    this.limits = limits;
    this.events = events;
    this.log = log;
    const every = Math.max(50, Math.min(1000, limits().heartbeatTimeoutMs / 4));
    this.watchdog = setInterval(() => this.check(Date.now()), every);
    this.watchdog.unref();
  }

  /** An idle, ready worker, or undefined (starting one if there is room). */
  takeIdle(): PooledWorker | undefined {
    for (const w of this.workers) if (w.ready && !w.job && !w.killReason) return w;
    const starting = [...this.workers].some((w) => !w.ready);
    if (!this.closed && !starting && this.workers.size < this.room()) this.start();
    return undefined;
  }

  private room(): number {
    const { size, parked = 0 } = this.limits();
    return size + Math.min(parked, size);
  }

  assign(worker: PooledWorker, job: JobRef, message: MainToWorker): void {
    worker.job = job;
    worker.handle.send(message);
  }

  release(worker: PooledWorker): void {
    worker.job = null;
    worker.abortDeadline = null;
    // Started while others waited for an answer: one too many now that a job is done.
    if (this.workers.size > this.room()) this.retire(worker);
  }

  private retire(worker: PooledWorker): void {
    worker.killReason = 'retired: no longer needed';
    try {
      worker.handle.send({ type: 'shutdown' });
    } catch {
      worker.handle.kill();
    }
    setTimeout(() => worker.handle.kill(), this.limits().abortGraceMs).unref();
  }

  holding(taskId: string): PooledWorker | undefined {
    for (const w of this.workers) if (w.job?.taskId === taskId) return w;
    return undefined;
  }

  /** Asks the worker to drop its job; one that does not report within the grace is killed. */
  abort(worker: PooledWorker): void {
    if (!worker.job) return;
    worker.abortDeadline = Date.now() + this.limits().abortGraceMs;
    worker.handle.send({ type: 'abort', ...worker.job });
  }

  list(): readonly PooledWorker[] {
    return [...this.workers];
  }

  /** Asks every worker to stop and waits (bounded) for them to go, then kills the rest. */
  async close(graceMs = 2000): Promise<void> {
    this.closed = true;
    clearInterval(this.watchdog);
    const gone = [...this.workers].map(
      (w) => new Promise<void>((resolve) => w.handle.onExit(() => resolve())),
    );
    for (const w of this.workers) {
      try {
        w.handle.send({ type: 'shutdown' });
      } catch {
        w.handle.kill();
      }
    }
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
    if ((await Promise.race([Promise.all(gone), timer])) === 'timeout') {
      for (const w of this.workers) w.handle.kill();
    }
  }

  /** The watchdog's round; public so tests can drive it with their own clock. */
  check(now: number): void {
    const { heartbeatTimeoutMs, memoryLimitBytes } = this.limits();
    for (const w of this.workers) {
      if (w.killReason) continue;
      if (now - w.lastSeen > heartbeatTimeoutMs) {
        this.kill(w, `hung: no heartbeat for ${Math.round((now - w.lastSeen) / 1000)} s`);
      } else if (w.rssBytes > memoryLimitBytes) {
        const mb = (n: number) => Math.round(n / 1024 / 1024);
        this.kill(w, `over its memory limit (${mb(w.rssBytes)} MB > ${mb(memoryLimitBytes)} MB)`);
      } else if (w.abortDeadline !== null && now > w.abortDeadline) {
        this.kill(w, 'did not stop after an abort');
      }
    }
  }

  private kill(worker: PooledWorker, reason: string): void {
    worker.killReason = reason;
    this.log(`worker ${worker.id}: killed, ${reason}`);
    worker.handle.kill();
  }

  private start(): void {
    const handle = this.spawn();
    const worker: PooledWorker = {
      id: this.nextId++,
      handle,
      ready: false,
      job: null,
      lastSeen: Date.now(),
      rssBytes: 0,
      abortDeadline: null,
      killReason: null,
    };
    this.workers.add(worker);
    handle.onMessage((raw) => this.receive(worker, raw));
    handle.onExit((code, signal) => {
      if (!this.workers.delete(worker)) return;
      const job = worker.job;
      worker.job = null;
      const reason = worker.killReason ?? `worker exited (code ${code}, signal ${signal})`;
      this.events.onExit(worker, job, reason);
    });
  }

  private receive(worker: PooledWorker, raw: unknown): void {
    worker.lastSeen = Date.now();
    const parsed = WorkerToMainSchema.safeParse(raw);
    if (!parsed.success) {
      this.log(`worker ${worker.id}: dropped a malformed message: ${parsed.error.message}`);
      return;
    }
    const message = parsed.data;
    if (message.type === 'heartbeat') {
      worker.rssBytes = message.rssBytes;
    } else if (message.type === 'ready') {
      worker.ready = true;
      this.events.onIdle();
    } else {
      this.events.onMessage(worker, message);
    }
  }
}
