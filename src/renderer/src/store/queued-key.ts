import type { ChatState } from './chat-state.ts';

/** The contract's cap on one `queue.positions` request. */
const MAX_IDS = 500;

/**
 * The open conversation's queued tasks, oldest first, as one string: a selector that returns
 * a string re-renders only when that set changes, not on every streamed word.
 */
export function queuedKey(state: ChatState): string {
  const ids = state.currentId ? (state.order[state.currentId] ?? []) : [];
  const queued = ids.filter((id) => state.tasks[id]?.state === 'queued');
  // The oldest are nearest the front of the line: those are the ones worth an ETA.
  return queued.slice(0, MAX_IDS).join(' ');
}
