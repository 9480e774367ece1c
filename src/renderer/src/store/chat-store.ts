import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RendererApi, ConnectionStatus } from '../api/types.ts';
import { applyBatch, emptyChatData, type ChatData, type Incoming } from './apply-batch.ts';
import { createFrameQueue, type Scheduler } from './frame-queue.ts';

export interface ChatState extends ChatData {
  /** null: a new, not yet created conversation (the next send creates it). */
  currentId: string | null;
  connection: ConnectionStatus;
  /** Last failure of a load or send, in words, until dismissed. */
  notice: string | null;
  select(conversationId: string): void;
  newChat(): void;
  /** Resolves false when the message was not accepted (the notice says why). */
  send(text: string): Promise<boolean>;
  dismissNotice(): void;
}

export type ChatStore = StoreApi<ChatState>;

const describe = (error: unknown): string =>
  error instanceof Error ? error.message : 'unknown error';

/**
 * The chat state and the only code that talks to the API on the UI's behalf.
 * `schedule` decides when queued events are applied: once per animation frame in the page
 * (`nextFrame`), by hand in tests.
 */
export function createChatStore(api: RendererApi, schedule: Scheduler): ChatStore {
  const inflightHistory = new Set<string>();
  let listInflight = false;
  /** Until the user picks a conversation or starts a new one, open the most recent one. */
  let autoPick = true;
  /** A send that is creating a conversation: further sends wait for it instead of making another. */
  let creating: Promise<string | null> | null = null;

  const store = createStore<ChatState>()((set, get) => ({
    ...emptyChatData(),
    currentId: null,
    connection: 'connecting',
    notice: null,
    select(conversationId) {
      autoPick = false;
      set({ currentId: conversationId });
      if (!get().loaded[conversationId]) loadHistory(conversationId);
    },
    newChat() {
      autoPick = false;
      set({ currentId: null });
    },
    async send(text) {
      const known = get().currentId ?? (creating ? await creating : null);
      const request = api.invoke('chat.send', known ? { conversationId: known, text } : { text });
      const pending = request.then(
        (r) => r.conversation.id,
        () => null,
      );
      if (!known) creating = pending;
      try {
        const { conversation, task } = await request;
        queue.push({ type: 'sent', conversation, task, created: !known });
        // The user just pressed Enter: show the message now rather than next frame.
        queue.flushNow();
        if (!known && get().currentId === null) set({ currentId: conversation.id });
        return true;
      } catch (error) {
        set({ notice: `Message not sent: ${describe(error)}` });
        return false;
      } finally {
        if (creating === pending) creating = null;
      }
    },
    dismissNotice() {
      set({ notice: null });
    },
  }));
  const { getState, setState } = store;

  const applyItems = (items: Incoming[]): void => {
    const { data, refetch, listStale } = applyBatch(getState(), items);
    setState(data);
    for (const conversationId of refetch) loadHistory(conversationId);
    if (listStale) loadConversations();
  };
  const queue = createFrameQueue<Incoming>(applyItems, schedule);

  function loadHistory(conversationId: string): void {
    if (inflightHistory.has(conversationId)) return;
    inflightHistory.add(conversationId);
    api
      .invoke('chat.history', { conversationId })
      // Through the queue, so it lands in order with the events received before it.
      .then((tasks) => queue.push({ type: 'history', conversationId, tasks }))
      .catch((error: unknown) =>
        setState({ notice: `Could not load messages: ${describe(error)}` }),
      )
      .finally(() => inflightHistory.delete(conversationId));
  }

  function loadConversations(): void {
    if (listInflight) return;
    listInflight = true;
    api
      .invoke('conversations.list', {})
      .then((conversations) => {
        queue.push({ type: 'conversations', conversations });
        const { currentId } = getState();
        const stillThere = currentId && conversations.some((c) => c.id === currentId);
        const latest = [...conversations].sort((a, b) => b.updatedAt - a.updatedAt)[0];
        const target = stillThere ? currentId : autoPick ? latest?.id : undefined;
        if (target) getState().select(target);
      })
      .catch((error: unknown) =>
        setState({ notice: `Could not load conversations: ${describe(error)}` }),
      )
      .finally(() => {
        listInflight = false;
      });
  }

  api.onEvent((event) => queue.push(event));
  api.onStatus((connection) => setState({ connection }));
  api.onResync(() => {
    // Events sent while we were away are gone: forget what we hold and read it again.
    queue.push({ type: 'invalidate' });
    queue.flushNow();
    setState({ notice: null });
    loadConversations();
  });
  loadConversations();
  return store;
}
