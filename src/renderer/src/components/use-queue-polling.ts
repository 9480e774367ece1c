import { useEffect } from 'react';
import type { ChatState } from '../store/chat-store.ts';
import { useChat } from '../store/context.tsx';

/** How often queued messages ask where they stand: positions move as others start. */
export const QUEUE_POLL_MS = 2_000;
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

/**
 * Keeps the queue positions of the open conversation fresh: asks at once when its set of
 * queued messages changes, then every `intervalMs` while any is queued, and stops when none is.
 */
export function useQueuePolling(intervalMs = QUEUE_POLL_MS): void {
  const key = useChat(queuedKey);
  const refresh = useChat((s) => s.refreshPositions);
  useEffect(() => {
    const ids = key === '' ? [] : key.split(' ');
    void refresh(ids);
    if (ids.length === 0) return;
    const timer = setInterval(() => void refresh(ids), intervalMs);
    return () => clearInterval(timer);
  }, [key, refresh, intervalMs]);
}
