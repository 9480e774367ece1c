import { HISTORY_PAGE_MAX } from '../../../shared/ipc-contract.ts';
import type { RendererApi } from '../api/types.ts';
import type { ChatData, Incoming } from './apply-batch.ts';
import type { FrameQueue } from './frame-queue.ts';
import { noticeOf, type Notice } from './notice.ts';

/**
 * Tasks per page of history. A conversation opens with its latest page: a thousand tasks are
 * 1.4 MB of JSON, most of it never scrolled to; older pages come as the user scrolls up.
 */
export const HISTORY_PAGE = 100;

/** An older page on its way, or the last one refused (the row offers to try again). */
export type EarlierStatus = 'loading' | 'failed';

/**
 * The part of the chat store the loader reads and writes. Named here rather than taken from
 * chat-store.ts, which builds on this module: no import goes both ways.
 */
export interface HistoryStore {
  getState(): Pick<ChatData, 'order' | 'earlier'> & {
    earlierStatus: Record<string, EarlierStatus>;
  };
  setState(partial: { earlierStatus: Record<string, EarlierStatus> } | { notice: Notice }): void;
}

/** Reads a conversation's history a page at a time; answers go through the event queue. */
export function createHistoryLoader(
  api: RendererApi,
  store: HistoryStore,
  queue: FrameQueue<Incoming>,
) {
  const { getState, setState } = store;
  const inflight = new Set<string>();

  const setStatus = (conversationId: string, status: EarlierStatus | undefined): void => {
    const { [conversationId]: _was, ...rest } = getState().earlierStatus;
    setState({ earlierStatus: status ? { ...rest, [conversationId]: status } : rest });
  };

  return {
    /**
     * The latest page: at least one, or as many tasks as we hold (after a gap or a reconnect),
     * so a user reading further up keeps what is on screen and sees it current.
     */
    latest(conversationId: string): void {
      if (inflight.has(conversationId)) return;
      inflight.add(conversationId);
      const held = getState().order[conversationId]?.length ?? 0;
      const limit = Math.min(HISTORY_PAGE_MAX, Math.max(HISTORY_PAGE, held));
      api
        .invoke('chat.history', { conversationId, limit })
        // Through the queue, so it lands in order with the events received before it.
        .then((tasks) => queue.push({ type: 'history', conversationId, tasks, limit }))
        .catch((error: unknown) => setState({ notice: noticeOf('loadMessages', error) }))
        .finally(() => inflight.delete(conversationId));
    },

    /** The page before the oldest task held; nothing when there is none or it is on its way. */
    async earlier(conversationId: string): Promise<void> {
      const before = getState().earlier[conversationId];
      if (before === undefined || getState().earlierStatus[conversationId] === 'loading') return;
      setStatus(conversationId, 'loading');
      try {
        const params = { conversationId, limit: HISTORY_PAGE, before };
        const tasks = await api.invoke('chat.history', params);
        queue.push({ type: 'earlier', conversationId, before, tasks, limit: HISTORY_PAGE });
        // In the same turn as the status: the row and the new messages change together.
        queue.flushNow();
        setStatus(conversationId, undefined);
      } catch (error) {
        setStatus(conversationId, 'failed');
        setState({ notice: noticeOf('loadMessages', error) });
      }
    },

    /** After a reconnect: a page refused before may load now. */
    forgetFailures(): void {
      const statuses = getState().earlierStatus;
      const loading = Object.entries(statuses).filter(([, status]) => status === 'loading');
      if (loading.length !== Object.keys(statuses).length) {
        setState({ earlierStatus: Object.fromEntries(loading) });
      }
    },
  };
}
