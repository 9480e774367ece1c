import type { TaskState } from '../../../shared/task.ts';

/** What each state means to the person waiting for the reply. */
export const STATE_LABEL: Record<TaskState, string> = {
  queued: 'Queued',
  running: 'Streaming…',
  succeeded: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
  timed_out: 'Timed out',
  paused: 'Paused',
  interrupted: 'Interrupted, will resume',
};
