import type { TaskState, TaskView } from '../../shared/task.ts';
import { ApiRefusal } from './api-dispatcher.ts';
import type { Scheduler } from './scheduler.ts';
import type { TaskStore, TransitionPatch } from './task-store.ts';
import { IllegalTransitionError } from './task-state.ts';

export type TaskAction = 'pause' | 'resume' | 'cancel' | 'retry';

/** Where each action may start from, and where it leads. */
const ACTIONS: Record<
  TaskAction,
  { from: readonly TaskState[]; to: TaskState; patch?: TransitionPatch }
> = {
  pause: { from: ['queued', 'running'], to: 'paused' },
  resume: { from: ['paused'], to: 'queued' },
  cancel: { from: ['queued', 'running', 'paused', 'interrupted'], to: 'cancelled' },
  // A user's retry starts afresh: the automatic attempts are given back.
  retry: {
    from: ['failed', 'cancelled', 'timed_out'],
    to: 'queued',
    patch: { resetFailures: true },
  },
};

const STATE_WORDS: Record<TaskState, string> = {
  queued: 'a queued',
  running: 'a running',
  succeeded: 'a succeeded',
  failed: 'a failed',
  cancelled: 'a cancelled',
  timed_out: 'a timed-out',
  paused: 'a paused',
  interrupted: 'an interrupted',
};

/**
 * The user's task actions. Each answers with the new view or a refusal that says why
 * ("cannot pause a succeeded task"). Pausing or cancelling a running task aborts its upstream
 * call at once; its text so far is kept.
 */
export function applyTaskAction(
  store: TaskStore,
  scheduler: Scheduler,
  action: TaskAction,
  taskId: string,
): TaskView {
  const task = store.get(taskId);
  if (!task) throw new ApiRefusal('not_found', `task ${taskId} does not exist`);
  const rule = ACTIONS[action];
  if (!rule.from.includes(task.state)) throw refusal(action, task.state);
  const wasRunning = task.state === 'running';
  // Keep the text streamed so far: written while the task is still `running`.
  if (wasRunning) scheduler.checkpoint(taskId);
  let view: TaskView | undefined;
  try {
    view = store.transition(taskId, rule.to, rule.patch ?? {}, { state: task.state });
  } catch (err) {
    if (err instanceof IllegalTransitionError) throw refusal(action, err.from);
    throw err;
  }
  // The state moved under us (a worker reported in between): say what it is now.
  if (!view) throw refusal(action, store.get(taskId)?.state ?? task.state);
  if (wasRunning) scheduler.abortRun(taskId);
  scheduler.emitTask(taskId);
  scheduler.pump();
  return view;
}

function refusal(action: TaskAction, state: TaskState): ApiRefusal {
  return new ApiRefusal('refused', `cannot ${action} ${STATE_WORDS[state]} task`);
}
