import type { TaskSummary } from '../../shared/monitor.ts';
import type { TaskError, TaskState, TaskView } from '../../shared/task.ts';
import { TERMINAL_STATES } from '../../shared/task.ts';
import type { RunOutcome } from './run-outcome.ts';
import type { StorageGuard } from './storage-guard.ts';
import type { TaskStore } from './task-store.ts';
import type { JobRef } from './worker-pool.ts';

interface Held {
  attempt: number;
  state: TaskState;
  error: TaskError | null;
  output: string;
  at: number;
}

export interface RunResultsDeps {
  store: TaskStore;
  storage: StorageGuard;
  /** Tell the windows what the task looks like now. */
  emitTask: (taskId: string) => void;
  /** A task went back in line, maybe with a back-off: look when to wake. */
  requeued: () => void;
}

/**
 * Records how runs end. When the disk cannot take a result (issue 7), it is not lost: it
 * waits in memory, in order behind whatever else waits, and is written once writing works.
 * The database still says `running` meanwhile; readers see the result from here, so the user
 * can read a reply that arrived while the disk was full. A restart before it is written finds
 * the task `running` and runs it again: the result is either wholly recorded or not at all.
 */
export class RunResults {
  private readonly deps: RunResultsDeps;
  private readonly held = new Map<string, Held>();

  constructor(deps: RunResultsDeps) {
    this.deps = deps;
  }

  /** The run's text must have been handed to the storage guard before this. */
  settle(job: JobRef, { to, patch }: RunOutcome, output: string): void {
    const { store, storage, emitTask, requeued } = this.deps;
    const expect = { state: 'running' as const, attempt: job.attempt };
    const saved = storage.background(
      () => store.transition(job.taskId, to, patch, expect),
      (view) => {
        const wasHeld = this.held.delete(job.taskId);
        if (view || wasHeld) emitTask(job.taskId);
        if (view && to === 'queued') requeued();
      },
    );
    if (saved) return;
    const error = patch.error ?? null;
    this.held.set(job.taskId, { attempt: job.attempt, state: to, error, output, at: Date.now() });
    emitTask(job.taskId);
  }

  /** The task as it will be once its result is written; undefined when nothing waits. */
  view(task: TaskView): TaskView | undefined {
    const held = this.matching(task);
    if (!held) return undefined;
    return {
      ...task,
      state: held.state,
      output: held.output,
      error: held.error,
      updatedAt: held.at,
      finishedAt: TERMINAL_STATES.includes(held.state) ? held.at : null,
    };
  }

  summary(task: TaskSummary): TaskSummary | undefined {
    const held = this.matching(task);
    if (!held) return undefined;
    return {
      ...task,
      state: held.state,
      outputChars: held.output.length,
      error: held.error,
      updatedAt: held.at,
      finishedAt: TERMINAL_STATES.includes(held.state) ? held.at : null,
    };
  }

  /** Only a view of the run that produced the result, still running in the database. */
  private matching(task: { id: string; state: TaskState; attempts: number }): Held | undefined {
    const held = this.held.get(task.id);
    return held && task.state === 'running' && task.attempts === held.attempt ? held : undefined;
  }
}
