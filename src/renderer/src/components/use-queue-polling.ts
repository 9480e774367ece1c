import { useEffect } from 'react';
import { useChat } from '../store/context.tsx';
import { queuedKey } from '../store/queued-key.ts';

/** How often queued messages ask where they stand: positions move as others start. */
export const QUEUE_POLL_MS = 2_000;

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
