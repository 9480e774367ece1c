import type { TaskEvent } from '../../shared/ipc-contract.ts';
import type { TaskSummary } from '../../shared/monitor.ts';
import type { TaskPhase, TaskView } from '../../shared/task.ts';
import { CallGrants, type UpstreamBudget } from './call-grants.ts';
import { OutputBuffer } from './output-buffer.ts';
import type { Failure, RunOutcome } from './run-outcome.ts';
import { failureOutcome } from './run-outcome.ts';
import type { CoreSettings } from './settings.ts';
import type { StorageGuard } from './storage-guard.ts';
import type { TaskStore } from './task-store.ts';
import { RunResults } from './run-results.ts';
import { WorkerPool, type JobRef, type PooledWorker, type WorkerReport } from './worker-pool.ts';
import { WakeTimer } from './wake-timer.ts';
import type { ToolCallStore } from './tool-runs.ts';
import { ToolRuns } from './tool-runs.ts';
import { callPriority, runMessage } from './run-job.ts';
import { RunTable } from './run-table.ts';
import { liveSummary, liveView, type RunMemory } from './live-view.ts';
import type { SpawnWorker } from './worker-port.ts';

export interface SchedulerOptions {
  store: TaskStore;
  settings: () => CoreSettings;
  spawnWorker: SpawnWorker;
  budget: UpstreamBudget;
  /** Every write goes through it: disk trouble holds results in memory (issue 7). */
  storage: StorageGuard;
  toolCalls: ToolCallStore;
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
  private readonly grants: CallGrants;
  private readonly tools: ToolRuns;
  private readonly results: RunResults;
  /** Conversation, lane and phase of each running task, so a delta needs no database read. */
  private readonly runs = new RunTable();
  /** The conversation the user is looking at goes first within its lane. */
  private focused: string | null = null;
  private readonly waker = new WakeTimer(() => this.pump());
  private stopped = false;

  constructor(opts: SchedulerOptions) {
    this.opts = opts;
    const { store, settings, log, storage } = opts;
    this.output = new OutputBuffer(settings().checkpointMs, (batch) => {
      storage.background(() => store.appendOutput(batch));
    });
    this.grants = new CallGrants(opts.budget, log);
    this.tools = new ToolRuns(opts.toolCalls, (write) => storage.background(write));
    this.results = new RunResults({
      store,
      storage,
      emitTask: (taskId) => this.emitTask(taskId),
      requeued: () => this.wakeForBackoff(),
    });
    const limits = () => {
      const s = settings();
      return {
        size: s.workerCount,
        parked: this.runs.waitingForUser(),
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
    this.opts.storage.background(() => this.opts.store.recoverInterrupted());
  }

  /** Fills idle workers with the next runnable tasks, as far as the budget allows. */
  pump(): void {
    // Nothing starts while its result could not be saved: queued tasks wait for the disk.
    if (this.stopped || this.opts.storage.problem()) return;
    for (;;) {
      // Workers start lazily: only when something is waiting for one.
      if (!this.opts.store.hasRunnable()) {
        this.wakeForBackoff();
        return;
      }
      // Tasks wait in our own priority-ordered queue until the shared budget has room.
      const delay = this.opts.budget.dispatchDelayMs(
        this.runs.awaitingFirstCall() + this.grants.waiting(),
      );
      if (delay > 0) {
        this.waker.in(delay);
        return;
      }
      const worker = this.pool.takeIdle();
      if (!worker) return;
      const claimed = this.opts.storage.attempt(() => this.opts.store.claimNext(this.focused));
      if (!claimed) return;
      const job: JobRef = { taskId: claimed.id, attempt: claimed.attempt };
      this.output.start(claimed.id, claimed.attempt);
      this.runs.start(claimed);
      this.emitTask(claimed.id);
      this.pool.assign(worker, job, runMessage(claimed, this.opts.settings()));
    }
  }

  /** The conversation in front of the user; its tasks go first within their lane. */
  focus(conversationId: string | null): void {
    this.focused = conversationId;
  }

  /**
   * Stops a running task's upstream call at once (pause, cancel). The caller has already moved
   * the task out of `running`, so whatever the worker still reports is ignored.
   */
  abortRun(taskId: string): void {
    const worker = this.pool.holding(taskId);
    if (worker?.job) this.forget(worker.job);
    else this.output.finish(taskId);
    if (worker) this.pool.abort(worker);
  }

  /** Writes a running task's pending text now, e.g. before a pause keeps it. */
  checkpoint(taskId: string): void {
    this.output.flushTask(taskId);
  }

  workers(): readonly PooledWorker[] {
    return this.pool.list();
  }

  /** Graceful shutdown: no new work, text checkpointed, running tasks interrupted, workers gone. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.waker.stop();
    this.output.flushAll();
    this.output.stop();
    const { storage, store } = this.opts;
    // Results waiting for the disk get one last try before their tasks are interrupted; if
    // that fails too, those tasks run again at the next start (see RunResults).
    storage.recheck();
    storage.attempt(() => store.interruptRunning());
    await this.pool.close();
  }

  emitTask(taskId: string): void {
    const task = this.opts.store.get(taskId);
    if (task) this.opts.emit({ type: 'task', task: this.live(task) });
  }

  /** A stored view with what only memory knows of a running task: its text and phase. */
  live(task: TaskView): TaskView {
    return liveView(task, this.memory());
  }

  /** A monitor row with what only memory knows: text so far and phase. */
  liveSummary(t: TaskSummary): TaskSummary {
    return liveSummary(t, this.memory());
  }

  private memory(): RunMemory {
    return {
      results: this.results,
      text: (taskId) => this.output.text(taskId),
      phase: (taskId) => this.runs.get(taskId)?.phase,
      pendingApproval: (taskId) => this.tools.pendingFor(taskId),
    };
  }

  private setPhase(taskId: string, phase: TaskPhase | undefined): void {
    if (this.runs.setPhase(taskId, phase)) this.emitTask(taskId);
  }

  /** The user's answer to a tool call waiting for approval (see ToolRuns). */
  approve(taskId: string, toolCallId: string, approved: boolean): void {
    this.tools.answer(taskId, toolCallId, approved);
    this.setPhase(taskId, 'thinking');
  }

  toolCalls(taskId: string) {
    return this.tools.calls(taskId);
  }

  private onReport(worker: PooledWorker, message: WorkerReport): void {
    const job = worker.job;
    if (this.stopped) return;
    if (!job || job.taskId !== message.taskId || job.attempt !== message.attempt) {
      this.opts.log(`worker ${worker.id}: ignored a ${message.type} for a job it no longer holds`);
      return;
    }
    switch (message.type) {
      case 'acquire': {
        this.runs.asked(job.taskId);
        this.setPhase(job.taskId, 'waiting_for_rate_limit');
        const priority = callPriority(this.runs.get(job.taskId), this.focused);
        this.grants.acquire(message, priority, (m) => {
          this.setPhase(job.taskId, 'thinking');
          worker.handle.send(m);
        });
        return;
      }
      case 'release':
        this.grants.release(message, message.outcome);
        this.pump();
        return;
      case 'delta':
        return this.onDelta(job, message.text);
      case 'accepted': {
        const { runId, at } = message;
        const { store, storage } = this.opts;
        storage.background(() => store.runs.accepted(job.taskId, job.attempt, runId, at));
        return;
      }
      case 'tool': {
        const call = this.tools.record(job, message, Date.now());
        const conversationId = this.runs.conversationOf(job.taskId);
        this.opts.emit({ type: 'tool', taskId: job.taskId, conversationId, call });
        return this.setPhase(job.taskId, undefined);
      }
      case 'approval_request':
        this.tools.request(job, message, (m) => worker.handle.send(m));
        this.setPhase(job.taskId, 'waiting_approval');
        return this.pump(); // its worker is parked: another may start meanwhile
    }
    const outcome: RunOutcome =
      message.type === 'succeeded'
        ? { to: 'succeeded', patch: { usage: message.usage, finishReason: message.finishReason } }
        : this.failure(job, message);
    this.settle(job, outcome);
    this.pool.release(worker);
    this.pump();
  }

  private onDelta(job: JobRef, text: string): void {
    const offset = this.output.append(job.taskId, job.attempt, text);
    if (offset === undefined) return; // aborted: the task has moved on
    // Streaming: the text says it, the phase is over.
    const { hadPhase, first } = this.runs.text(job.taskId);
    if (hadPhase) this.grants.reached(job.taskId, job.attempt);
    // The run's first text: a whole snapshot, since it replaces what a cut run had shown.
    if (first) return this.emitTask(job.taskId);
    const conversationId = this.runs.conversationOf(job.taskId);
    this.opts.emit({ type: 'delta', taskId: job.taskId, conversationId, offset, text });
  }

  private onWorkerExit(worker: PooledWorker, job: JobRef | null, reason: string): void {
    this.opts.log(`worker ${worker.id}: ${reason}`);
    if (job && !this.stopped) {
      const message = `the worker running this task stopped: ${reason}`;
      // Not the gateway's fault: retry at once on a fresh worker.
      const error = { code: 'worker_crashed' as const, message };
      this.settle(job, this.failure(job, { error, retryable: true, retryAfterMs: 0 }));
    }
    this.pump();
  }

  private failure(job: JobRef, failure: Failure): RunOutcome {
    return failureOutcome(this.opts.store, this.opts.settings(), job, failure, this.opts.random);
  }

  /** How the run ended, recorded after its text (see RunResults for a disk in trouble). */
  private settle(job: JobRef, outcome: RunOutcome): void {
    const output = this.output.text(job.taskId) ?? '';
    this.forget(job);
    this.results.settle(job, outcome, output);
  }

  /** The run is over for us: its text flushed, its budget slots given back. */
  private forget(job: JobRef): void {
    this.output.finish(job.taskId);
    this.runs.drop(job.taskId);
    this.grants.dropRun(job.taskId, job.attempt);
    this.tools.drop(job.taskId);
  }

  private wakeForBackoff(): void {
    const at = this.opts.store.nextWakeAt();
    if (at !== undefined) this.waker.in(at - Date.now());
  }
}
