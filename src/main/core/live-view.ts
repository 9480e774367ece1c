import type { TaskSummary } from '../../shared/monitor.ts';
import type { PendingApproval, TaskPhase, TaskView } from '../../shared/task.ts';
import type { RunResults } from './run-results.ts';

/** What only memory knows of the running tasks, until it is written. */
export interface RunMemory {
  /** Results waiting for a disk in trouble (issue 7). */
  results: RunResults;
  /** The run's text so far; undefined before its first text. */
  text: (taskId: string) => string | undefined;
  phase: (taskId: string) => TaskPhase | undefined;
  pendingApproval: (taskId: string) => PendingApproval | undefined;
}

/** A stored view with what only memory knows of a running task: its text and phase. */
export function liveView(task: TaskView, memory: RunMemory): TaskView {
  const unsaved = memory.results.view(task);
  if (unsaved) return unsaved;
  const output = memory.text(task.id);
  const phase = memory.phase(task.id);
  if (output === undefined && phase === undefined) return task;
  const pending = memory.pendingApproval(task.id);
  return {
    ...task,
    output: output ?? task.output,
    // This run's own text replaced what a cut run left.
    ...(output !== undefined ? { outputInterrupted: false } : {}),
    ...(phase ? { phase } : {}),
    ...(pending ? { pendingApproval: pending } : {}),
  };
}

/** A monitor row with what only memory knows: text so far and phase. */
export function liveSummary(t: TaskSummary, memory: RunMemory): TaskSummary {
  const unsaved = memory.results.summary(t);
  if (unsaved) return unsaved;
  const output = memory.text(t.id);
  const phase = memory.phase(t.id);
  if (output === undefined && phase === undefined) return t;
  return { ...t, outputChars: output?.length ?? t.outputChars, ...(phase ? { phase } : {}) };
}
