import type { TaskState } from '../../shared/task.ts';

/**
 * The legal transitions of DESIGN.md "Tasks". Anything not listed is refused: a late or
 * duplicate message can never overwrite a finished task.
 */
const legal: Record<TaskState, readonly TaskState[]> = {
  // queued → failed: it waited for an absent gateway longer than its lane allows (issue 12).
  queued: ['running', 'paused', 'cancelled', 'failed'],
  running: ['succeeded', 'failed', 'cancelled', 'timed_out', 'paused', 'interrupted', 'queued'],
  paused: ['queued', 'cancelled'],
  interrupted: ['queued', 'failed', 'cancelled'],
  failed: ['queued'],
  cancelled: ['queued'],
  timed_out: ['queued'],
  succeeded: [],
};

export function canTransition(from: TaskState, to: TaskState): boolean {
  return legal[from].includes(to);
}

export class IllegalTransitionError extends Error {
  readonly from: TaskState;
  readonly to: TaskState;
  constructor(taskId: string, from: TaskState, to: TaskState) {
    super(`cannot move task ${taskId} from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
    this.from = from;
    this.to = to;
  }
}
