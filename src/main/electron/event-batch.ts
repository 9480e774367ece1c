import type { TaskEvent } from '../../shared/ipc-contract.ts';

/**
 * The events waiting for the next frame, coalesced so the renderer does one update per frame
 * however many tasks stream:
 * - a delta that continues the last pending event of its task (same task, offset right after
 *   the pending text) is appended to it;
 * - a task view that follows a pending view of the same task replaces it (a view is whole).
 * Order is kept per task (and per conversation), which is all the renderer relies on; events
 * of different tasks may be reordered relative to each other.
 */
export interface EventBatch {
  push(event: TaskEvent): void;
  readonly size: number;
  /** Returns the pending events and empties the batch. */
  take(): TaskEvent[];
  /** Drops the oldest events so at most `keep` remain. */
  trim(keep: number): void;
  clear(): void;
}

const taskIdOf = (event: TaskEvent): string | undefined =>
  event.type === 'delta' ? event.taskId : event.type === 'task' ? event.task.id : undefined;

/** The result of folding `next` into `last`, or undefined when both must stay. */
function merge(last: TaskEvent, next: TaskEvent): TaskEvent | undefined {
  if (last.type === 'task' && next.type === 'task') return next;
  if (
    last.type === 'delta' &&
    next.type === 'delta' &&
    last.conversationId === next.conversationId &&
    last.offset + last.text.length === next.offset
  ) {
    return { ...last, text: last.text + next.text };
  }
  return undefined;
}

export function createEventBatch(): EventBatch {
  let events: TaskEvent[] = [];
  /** Index in `events` of the last pending event of each task. */
  let lastOfTask = new Map<string, number>();

  const reindex = (): void => {
    lastOfTask = new Map();
    events.forEach((event, index) => {
      const id = taskIdOf(event);
      if (id !== undefined) lastOfTask.set(id, index);
    });
  };

  return {
    push(event) {
      const id = taskIdOf(event);
      const index = id === undefined ? undefined : lastOfTask.get(id);
      const last = index === undefined ? undefined : events[index];
      const merged = last && merge(last, event);
      if (merged && index !== undefined) {
        events[index] = merged;
        return;
      }
      events.push(event);
      if (id !== undefined) lastOfTask.set(id, events.length - 1);
    },
    get size() {
      return events.length;
    },
    take() {
      const taken = events;
      events = [];
      lastOfTask = new Map();
      return taken;
    },
    trim(keep) {
      if (events.length <= keep) return;
      events = events.slice(events.length - keep);
      reindex();
    },
    clear() {
      events = [];
      lastOfTask = new Map();
    },
  };
}
