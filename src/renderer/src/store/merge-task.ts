import type { TaskState, TaskView } from '../../../shared/task.ts';
import { TERMINAL_STATES } from '../../../shared/task.ts';

// How the chat (and the monitor) keep the newest view of a task when views and deltas cross.

export const isTerminal = (state: TaskState): boolean => TERMINAL_STATES.includes(state);

const stateRank = (state: TaskState): number =>
  isTerminal(state) ? 3 : state === 'running' ? 2 : state === 'queued' ? 0 : 1;

/**
 * Which of two views of one task to keep. Snapshots and history can arrive out of order with
 * deltas (Electron IPC and the event port are separate channels), so an older view must not
 * overwrite a newer one, and a running task keeps the longer text we already streamed.
 */
export function mergeTask(existing: TaskView | undefined, incoming: TaskView): TaskView {
  if (!existing) return incoming;
  if (incoming.updatedAt < existing.updatedAt) return existing;
  if (
    incoming.updatedAt === existing.updatedAt &&
    stateRank(incoming.state) < stateRank(existing.state)
  ) {
    return existing;
  }
  const keepStreamed =
    incoming.state === 'running' &&
    existing.state === 'running' &&
    incoming.attempts === existing.attempts &&
    existing.output.length > incoming.output.length &&
    existing.output.startsWith(incoming.output);
  // The longer text we hold came after this snapshot, so its phase ("waiting for…") is over.
  return keepStreamed ? { ...withoutPhase(incoming), output: existing.output } : incoming;
}

/** Main drops a running task's phase once text streams, without sending a new snapshot. */
export function withoutPhase(task: TaskView): TaskView {
  if (task.phase === undefined) return task;
  const { phase: _over, ...rest } = task;
  return rest;
}
