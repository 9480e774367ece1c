import type { TaskView } from '../../src/shared/task.ts';

/** A task as main and the UI see it, with plain defaults; tests override what they look at. */
export function taskView(
  id: string,
  state: TaskView['state'],
  extra: Partial<TaskView> = {},
): TaskView {
  return {
    id,
    conversationId: 'c1',
    lane: 'interactive',
    state,
    prompt: `Task ${id}`,
    output: '',
    error: null,
    attempts: 1,
    maxAttempts: 3,
    createdAt: 1,
    updatedAt: 1,
    finishedAt: null,
    ...extra,
  };
}

/** A running view with a tool call waiting for Approve / Deny. */
export function waitingView(
  id: string,
  call: { toolCallId: string; name: string; args: string },
  extra: Partial<TaskView> = {},
): TaskView {
  return taskView(id, 'running', { phase: 'waiting_approval', pendingApproval: call, ...extra });
}
