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
}

export interface WorkerPoolEvents {
  /** A parsed message from a worker; the pool has already dropped anything malformed. */
  onMessage(worker: PooledWorker, message: Exclude<WorkerToMain, { type: 'ready' }>): void;
  /** A worker became ready for a job (new or just finished one). */
  onIdle(): void;
  /** A worker went away; `job` is what it was running, to be retried by the caller. */
  onExit(worker: PooledWorker, job: JobRef | null, reason: string): void;
}

/**
 * Worker processes, started lazily up to `size`, one job each at a time. A worker that exits
 * is forgotten and the next demand starts a new one.
 */
export class WorkerPool {
  private readonly workers = new Set<PooledWorker>();
  private nextId = 1;
  private closed = false;
  private readonly spawn: SpawnWorker;
  private readonly size: number;
  private readonly events: WorkerPoolEvents;
  private readonly log: (line: string) => void;

  constructor(
    spawn: SpawnWorker,
    size: number,
    events: WorkerPoolEvents,
    log: (line: string) => void,
  ) {
    this.spawn = spawn;
    this.size = size;
    this.events = events;
    this.log = log;
  }

  /** An idle, ready worker, or undefined (starting one if there is room). */
  takeIdle(): PooledWorker | undefined {
    for (const w of this.workers) if (w.ready && !w.job) return w;
    const starting = [...this.workers].some((w) => !w.ready);
    if (!this.closed && !starting && this.workers.size < this.size) this.start();
    return undefined;
  }

  assign(worker: PooledWorker, job: JobRef, message: MainToWorker): void {
    worker.job = job;
    worker.handle.send(message);
  }

  release(worker: PooledWorker): void {
    worker.job = null;
  }

  busy(): PooledWorker[] {
    return [...this.workers].filter((w) => w.job);
  }

  get count(): number {
    return this.workers.size;
  }

  /** Asks every worker to stop and waits (bounded) for them to go, then kills the rest. */
  async close(graceMs = 2000): Promise<void> {
    this.closed = true;
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

  private start(): void {
    const handle = this.spawn();
    const worker: PooledWorker = { id: this.nextId++, handle, ready: false, job: null };
    this.workers.add(worker);
    handle.onMessage((raw) => this.receive(worker, raw));
    handle.onExit((code, signal) => {
      if (!this.workers.delete(worker)) return;
      const job = worker.job;
      worker.job = null;
      this.events.onExit(worker, job, `worker exited (code ${code}, signal ${signal})`);
    });
  }

  private receive(worker: PooledWorker, raw: unknown): void {
    const parsed = WorkerToMainSchema.safeParse(raw);
    if (!parsed.success) {
      this.log(`worker ${worker.id}: dropped a malformed message: ${parsed.error.message}`);
      return;
    }
    if (parsed.data.type === 'ready') {
      worker.ready = true;
      this.events.onIdle();
      return;
    }
    this.events.onMessage(worker, parsed.data);
  }
}
