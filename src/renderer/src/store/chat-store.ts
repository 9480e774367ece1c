import { createStore } from 'zustand/vanilla';
import type { RendererApi } from '../api/types.ts';
import { applyBatch, emptyChatData, type Incoming } from './apply-batch.ts';
import { conversationActions, messageActions, positionActions } from './chat-actions.ts';
import { chatLoaders } from './chat-loaders.ts';
import type { ChatContext, ChatState, ChatStore } from './chat-state.ts';
import { createFrameQueue, type Scheduler } from './frame-queue.ts';
import { createHistoryLoader } from './history-loader.ts';

export type { ChatState, ChatStore, TaskAction } from './chat-state.ts';

type Loaders = ReturnType<typeof chatLoaders>;

/**
 * The chat state and the only code that talks to the API on the UI's behalf.
 * `schedule` decides when queued events are applied: once per animation frame in the page
 * (`nextFrame`), by hand in tests.
 */
export function createChatStore(api: RendererApi, schedule: Scheduler): ChatStore {
  // Completed below, once the store exists: the actions only read it when they run.
  const ctx = { autoPick: true } as ChatContext;
  const loaders = chatLoaders(api, ctx);
  const store = createStore<ChatState>()((set, get) => {
    ctx.set = set;
    ctx.get = get;
    return {
      ...emptyChatData(),
      currentId: null,
      connection: 'connecting',
      notice: null,
      language: null,
      positions: {},
      earlierStatus: {},
      agents: [],
      newAgent: null,
      loadAgents: loaders.loadAgents,
      setNewAgent: (agentId) => set({ newAgent: agentId }),
      select(conversationId) {
        ctx.autoPick = false;
        set({ currentId: conversationId });
        if (!get().loaded[conversationId]) ctx.history.latest(conversationId);
      },
      loadEarlier: (conversationId) => ctx.history.earlier(conversationId),
      newChat() {
        ctx.autoPick = false;
        // A new chat starts with the settings' agent unless the user picks another.
        set({ currentId: null, newAgent: null });
        loaders.loadAgents();
      },
      ...messageActions(api, ctx),
      ...conversationActions(api, ctx),
      ...positionActions(api, ctx),
      dismissNotice: () => set({ notice: null }),
    };
  });
  ctx.queue = createFrameQueue<Incoming>((items) => applyItems(ctx, loaders, items), schedule);
  ctx.history = createHistoryLoader(api, store, ctx.queue);
  listen(api, store, ctx, loaders);
  return store;
}

/** One frame's events and answers, applied at once; what they leave stale is read again. */
function applyItems(ctx: ChatContext, loaders: Loaders, items: Incoming[]): void {
  const { data, refetch, listStale, deleted } = applyBatch(ctx.get(), items);
  ctx.set(data);
  const { currentId } = ctx.get();
  // The open conversation is gone (here or in another window): open the most recent one.
  if (currentId !== null && deleted.includes(currentId)) {
    const next = data.conversations[0];
    if (next) ctx.get().select(next.id);
    else ctx.set({ currentId: null });
  }
  for (const conversationId of refetch) ctx.history.latest(conversationId);
  if (listStale) loaders.loadConversations();
}

/** Events, the connection's status and resyncs; then the first loads. */
function listen(api: RendererApi, store: ChatStore, ctx: ChatContext, loaders: Loaders): void {
  api.onEvent((event) => {
    if (event.type === 'settings') ctx.set({ language: event.settings.language });
    else ctx.queue.push(event);
  });
  api.onStatus((connection) => ctx.set({ connection }));
  api.onResync(() => {
    // Events sent while we were away are gone: forget what we hold and read it again.
    ctx.queue.push({ type: 'invalidate' });
    ctx.queue.flushNow();
    ctx.set({ notice: null });
    ctx.history.forgetFailures();
    // The server may have restarted and forgotten which conversation is on screen.
    loaders.focus(ctx.get().currentId);
    loaders.loadUpstream();
    loaders.loadSettings();
    loaders.loadConversations();
  });
  store.subscribe((state, previous) => {
    if (state.currentId !== previous.currentId) loaders.focus(state.currentId);
  });
  loaders.focus(null);
  loaders.loadAgents();
  loaders.loadUpstream();
  loaders.loadSettings();
  loaders.loadConversations();
}
