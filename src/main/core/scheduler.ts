import type { TaskEvent } from '../../shared/ipc-contract.ts';
import type { TaskError, TaskView } from '../../shared/task.ts';
import { retryDelayMs } from './backoff.ts';
import { OutputBuffer } from './output-buffer.ts';
import type { CoreSettings } from './settings.ts';
import type { TaskStore } from './task-store.ts';
import type { JobRef, PooledWorker, WorkerReport } from './worker-pool.ts';
import { WorkerPool } from './worker-pool.ts';
import type { SpawnWorker } from './worker-port.ts';

export interface SchedulerOptions {
  store: TaskStore;
  settings: () => CoreSettings;
  spawnWorker: SpawnWorker;
  emit: (event: TaskEvent) => void;
  log: (line: string) => void;
  random?: () => number;
}

/**
 * Hands queued tasks to idle workers and records what they report. It never runs an upstream
 * request itself. Results are applied only while the task is still running on the attempt that
 * produced them, so a late message from a replaced or aborted worker changes nothing.
 */
export class Scheduler {
  private readonly opts: SchedulerOptions;
  private readonly pool: WorkerPool;
  private readonly output: OutputBuffer;
  /** Conversation of each running task, so a delta event needs no database read. */
  private readonly conversationOf = new Map<string, string>();
  private wakeTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(opts: SchedulerOptions) {
    this.opts = opts;
    const { store, settings, log } = opts;
    this.output = new OutputBuffer(settings().checkpointMs, (batch) => store.appendOutput(batch));
    const limits = () => {
      const s = settings();
      return {
        size: s.workerCount,
        heartbeatTimeoutMs: s.heartbeatTimeoutMs,
        memoryLimitBytes: s.workerMemoryLimitBytes,
        abortGraceMs: s.abortGraceMs,
      };
    };
    this.pool = new WorkerPool(
      opts.spawnWorker,
      limits,
      {
        onMessage: (worker, message) => this.onReport(worker, message),
        onIdle: () => this.pump(),
        onExit: (worker, job, reason) => this.onWorkerExit(worker, job, reason),
      },
      log,
    );
  }

  /** Start-up: tasks that were running when the process died go back in line, if they may. */
  recover(): void {
    const { store } = this.opts;
    store.interruptRunning(true);
    for (const { id, attemptsLeft } of store.listInterrupted()) {
      if (attemptsLeft) store.transition(id, 'queued');
      else
        store.transition(id, 'failed', {
          error: {
            code: 'worker_crashed',
            message: 'ClawDesk stopped while this task ran, on its last attempt',
          },
        });
    }
  }

  /** Fills every idle worker with the next runnable task. Cheap to call often. */
  pump(): void {
    if (this.stopped) return;
    for (;;) {
      // Workers start lazily: only when something is waiting for one.
      if (!this.opts.store.hasRunnable()) {
        this.armWakeTimer();
        return;
      }
      const worker = this.pool.takeIdle();
      if (!worker) return;
      const claimed = this.opts.store.claimNext();
      if (!claimed) return;
      const { gateway, lanes } = this.opts.settings();
      const job: JobRef = { taskId: claimed.id, attempt: claimed.attempt };
      this.output.start(claimed.id, claimed.attempt, '');
      this.conversationOf.set(claimed.id, claimed.conversationId);
      this.emitTask(claimed.id);
      this.pool.assign(worker, job, {
        type: 'run',
        job: {
          ...job,
          text: claimed.prompt,
          sessionKey: claimed.sessionKey,
          gateway: { ...gateway, agentId: claimed.agentId },
          timeouts: lanes[claimed.lane],
        },
      });
    }
  }

  /**
   * Stops a running task's upstream call at once (pause, cancel). The caller has already moved
   * the task out of `running`, so whatever the worker still reports is ignored.
   */
  abortRun(taskId: string): void {
    this.forget(taskId);
    const worker = this.pool.holding(taskId);
    if (worker) this.pool.abort(worker);
  }

  /** Writes a running task's pending text now, e.g. before a pause keeps it. */
  checkpoint(taskId: string): void {
    this.output.flushTask(taskId);
  }

  /** Live text of a running task (checkpointed or not), for views read mid-stream. */
  liveOutput(taskId: string): string | undefined {
    return this.output.text(taskId);
  }

  workers(): readonly PooledWorker[] {
    return this.pool.list();
  }

  /** Graceful shutdown: no new work, text checkpointed, running tasks interrupted, workers gone. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.wakeTimer);
    this.output.flushAll();
    this.output.stop();
    this.opts.store.interruptRunning(false);
    await this.pool.close();
  }

  emitTask(taskId: string): void {
    const task: TaskView | undefined = this.opts.store.get(taskId);
    if (!task) return;
    const live = this.output.text(taskId);
    this.opts.emit({ type: 'task', task: live === undefined ? task : { ...task, output: live } });
  }

  private onReport(worker: PooledWorker, message: WorkerReport): void {
    const job = worker.job;
    if (this.stopped) return;
    if (!job || job.taskId !== message.taskId || job.attempt !== message.attempt) {
      this.opts.log(`worker ${worker.id}: ignored a ${message.type} for a job it no longer holds`);
      return;
    }
    if (message.type === 'delta') {
      const offset = this.output.append(job.taskId, job.attempt, message.text);
      if (offset === undefined) return; // aborted: the task has moved on
      const conversationId = this.conversationOf.get(job.taskId) ?? '';
      this.opts.emit({
        type: 'delta',
        taskId: job.taskId,
        conversationId,
        offset,
        text: message.text,
      });
      return;
    }
    this.forget(job.taskId);
    const expect = { state: 'running' as const, attempt: job.attempt };
    const changed =
      message.type === 'succeeded'
        ? this.opts.store.transition(
            job.taskId,
            'succeeded',
            { usage: message.usage, finishReason: message.finishReason },
            expect,
          )
        : this.settleFailure(job, message.error, message.retryable, message.retryAfterMs);
    this.pool.release(worker);
    if (changed) this.emitTask(job.taskId);
    this.pump();
  }

  private onWorkerExit(worker: PooledWorker, job: JobRef | null, reason: string): void {
    this.opts.log(`worker ${worker.id}: ${reason}`);
    if (job && !this.stopped) {
      this.forget(job.taskId);
      const error: TaskError = {
        code: 'worker_crashed',
        message: `the worker running this task stopped: ${reason}`,
      };
      // Not the gateway's fault: retry at once on a fresh worker.
      if (this.settleFailure(job, error, true, 0)) this.emitTask(job.taskId);
    }
    this.pump();
  }

  /** A retryable failure with attempts left goes back in line after a jittered back-off. */
  private settleFailure(
    job: JobRef,
    error: TaskError,
    retryable: boolean,
    retryAfterMs: number | null,
  ): TaskView | undefined {
    const { store } = this.opts;
    const expect = { state: 'running' as const, attempt: job.attempt };
    if (retryable && store.attemptsLeft(job.taskId, 1)) {
      const delay = retryAfterMs ?? retryDelayMs(job.attempt, this.opts.random);
      const view = store.transition(
        job.taskId,
        'queued',
        { error, notBefore: Date.now() + delay, countFailure: true },
        expect,
      );
      this.armWakeTimer();
      return view;
    }
    const timedOut = error.code === 'timeout' || error.code === 'stall_timeout';
    return store.transition(
      job.taskId,
      timedOut ? 'timed_out' : 'failed',
      { error, countFailure: true },
      expect,
    );
  }

  private forget(taskId: string): void {
    this.output.finish(taskId);
    this.conversationOf.delete(taskId);
  }

  private armWakeTimer(): void {
    const at = this.opts.store.nextWakeAt();
    if (at === undefined || this.stopped) return;
    clearTimeout(this.wakeTimer);
    this.wakeTimer = setTimeout(() => this.pump(), Math.max(0, at - Date.now()) + 5);
    this.wakeTimer.unref();
  }
}
