import type { TaskEvent } from '../../shared/ipc-contract.ts';
import type { TaskError, TaskView } from '../../shared/task.ts';
import type { WorkerToMain } from '../../shared/worker-protocol.ts';
import type { CoreSettings } from './settings.ts';
import type { TaskStore } from './task-store.ts';
import type { JobRef, PooledWorker } from './worker-pool.ts';
import { WorkerPool } from './worker-pool.ts';
import type { SpawnWorker } from './worker-port.ts';
import { OutputBuffer } from './output-buffer.ts';
import { retryDelayMs } from './backoff.ts';

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
 * request itself. Results are applied only when the task is still running on the attempt that
 * produced them, so a late message from a replaced worker is ignored.
 */
export class Scheduler {
  private readonly opts: SchedulerOptions;
  private readonly pool: WorkerPool;
  private readonly output: OutputBuffer;
  private wakeTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Conversation of each running task, so a delta event needs no database read. */
  private readonly conversationOf = new Map<string, string>();

  constructor(opts: SchedulerOptions) {
    this.opts = opts;
    const { store, settings, log } = opts;
    this.output = new OutputBuffer(settings().checkpointMs, (batch) => store.appendOutput(batch));
    this.pool = new WorkerPool(
      opts.spawnWorker,
      settings().workerCount,
      {
        onMessage: (worker, message) => this.onWorkerMessage(worker, message),
        onIdle: () => this.pump(),
        onExit: (worker, job, reason) => this.onWorkerExit(worker, job, reason),
      },
      log,
    );
  }

  /** Start-up: tasks that were running when the process died go back in line. */
  recover(): void {
    for (const id of this.opts.store.markRunningInterrupted()) {
      const next = this.opts.store.attemptsLeft(id) ? 'queued' : 'failed';
      const error: TaskError | null =
        next === 'failed'
          ? {
              code: 'worker_crashed',
              message: 'ClawDesk stopped while this task ran, on its last attempt',
            }
          : null;
      this.opts.store.transition(id, next, { error });
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
      const { gateway, timeouts } = this.opts.settings();
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
          timeouts,
        },
      });
    }
  }

  /** Live text of a running task (checkpointed or not), for views read mid-stream. */
  liveOutput(taskId: string): string | undefined {
    return this.output.text(taskId);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.wakeTimer);
    await this.pool.close();
    this.output.flushAll();
    this.output.stop();
  }

  private onWorkerMessage(
    worker: PooledWorker,
    message: Exclude<WorkerToMain, { type: 'ready' }>,
  ): void {
    const job = worker.job;
    if (!job || job.taskId !== message.taskId || job.attempt !== message.attempt) {
      this.opts.log(`worker ${worker.id}: ignored a ${message.type} for a job it no longer holds`);
      return;
    }
    if (message.type === 'delta') {
      const offset = this.output.append(job.taskId, job.attempt, message.text);
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
    this.output.finish(job.taskId);
    this.conversationOf.delete(job.taskId);
    const expect = { state: 'running' as const, attempt: job.attempt };
    if (message.type === 'succeeded') {
      this.opts.store.transition(
        job.taskId,
        'succeeded',
        { usage: message.usage, finishReason: message.finishReason },
        expect,
      );
    } else {
      this.settleFailure(job, message.error, message.retryable);
    }
    this.pool.release(worker);
    this.emitTask(job.taskId);
    this.pump();
  }

  private onWorkerExit(worker: PooledWorker, job: JobRef | null, reason: string): void {
    this.opts.log(`worker ${worker.id}: ${reason}`);
    if (job && !this.stopped) {
      this.output.finish(job.taskId);
      this.conversationOf.delete(job.taskId);
      this.settleFailure(
        job,
        { code: 'worker_crashed', message: `the worker running this task stopped (${reason})` },
        true,
      );
      this.emitTask(job.taskId);
    }
    this.pump();
  }

  /** A retryable failure with attempts left goes back in line after a jittered back-off. */
  private settleFailure(job: JobRef, error: TaskError, retryable: boolean): void {
    const { store } = this.opts;
    const expect = { state: 'running' as const, attempt: job.attempt };
    if (retryable && store.attemptsLeft(job.taskId)) {
      const delay = retryDelayMs(job.attempt, this.opts.random);
      store.transition(job.taskId, 'queued', { error, notBefore: Date.now() + delay }, expect);
      this.armWakeTimer();
    } else {
      store.transition(
        job.taskId,
        error.code === 'timeout' || error.code === 'stall_timeout' ? 'timed_out' : 'failed',
        { error },
        expect,
      );
    }
  }

  private armWakeTimer(): void {
    const at = this.opts.store.nextWakeAt();
    if (at === undefined || this.stopped) return;
    clearTimeout(this.wakeTimer);
    this.wakeTimer = setTimeout(() => this.pump(), Math.max(0, at - Date.now()) + 5);
    this.wakeTimer.unref();
  }

  private emitTask(taskId: string): void {
    const task: TaskView | undefined = this.opts.store.get(taskId);
    if (!task) return;
    const live = this.output.text(taskId);
    this.opts.emit({ type: 'task', task: live === undefined ? task : { ...task, output: live } });
  }
}
