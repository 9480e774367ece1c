import type { TaskState } from '../../../shared/task.ts';
import { isTerminal } from './monitor-apply.ts';
import type { MonitorAction } from './monitor-store.ts';

/** Which actions make sense in which state; the others are shown disabled. */
export function allowed(action: MonitorAction, state: TaskState): boolean {
  switch (action) {
    case 'pause':
      return state === 'queued' || state === 'running' || state === 'interrupted';
    case 'resume':
      return state === 'paused';
    case 'cancel':
      return !isTerminal(state);
    case 'retry':
      return state === 'failed' || state === 'cancelled' || state === 'timed_out';
  }
}
