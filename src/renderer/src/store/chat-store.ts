import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Language } from '../../../shared/settings.ts';
import type { Lane, TaskView } from '../../../shared/task.ts';
import type { QueueSlot } from '../../../shared/upstream.ts';
import type { RendererApi, ConnectionStatus } from '../api/types.ts';
import { applyBatch, emptyChatData, type ChatData, type Incoming } from './apply-batch.ts';
import { createFrameQueue, type Scheduler } from './frame-queue.ts';
import { createHistoryLoader, type EarlierStatus } from './history-loader.ts';
import { noticeOf, type Notice } from './notice.ts';

export interface ChatState extends ChatData {
  /** null: a new, not yet created conversation (the next send creates it). */
  currentId: string | null;
  connection: ConnectionStatus;
  /** Last failure of a load or send, until dismissed. */
  notice: Notice | null;
  /** The language setting (null until read): the page follows it. */
  language: Language | null;
  /** Place in line and ETA of the open conversation's queued tasks, by task id. */
  positions: Record<string, QueueSlot>;
  /** Conversations whose older page is loading, or failed to (see `loadEarlier`). */
  earlierStatus: Record<string, EarlierStatus>;
  /** The gateway's agents (`GET /v1/models`), for "New chat"; empty until known. */
  agents: string[];
  /** The agent the next new conversation talks to; null: the one in the settings. */
  newAgent: string | null;
  /** Asks the gateway for its agents again (the list can change while ClawDesk runs). */
  loadAgents(): void;
  setNewAgent(agentId: string | null): void;
  select(conversationId: string): void;
  /** Reads the page before the oldest message held (the user scrolled up to it). */
  loadEarlier(conversationId: string): Promise<void>;
  newChat(): void;
  /**
   * Resolves false when the message was not accepted (the notice says why). `long`: "run as
   * background task", in the long lane.
   */
  send(text: string, lane?: Lane): Promise<boolean>;
  /** Resolves false when main refused the title (the notice says why). */
  rename(conversationId: string, title: string): Promise<boolean>;
  /** Deletes a conversation (main cancels its unfinished tasks first). */
  remove(conversationId: string): Promise<boolean>;
  /**
   * The whole history of a conversation, as main holds it, for an export (not only the pages
   * loaded); null on failure.
   */
  readHistory(conversationId: string): Promise<TaskView[] | null>;
  /** Retry, cancel, pause or resume one message; a refusal ("cannot retry a succeeded task") becomes the notice. */
  act(action: TaskAction, taskId: string): Promise<void>;
  /** The user's answer to a tool call waiting for approval; a refusal becomes the notice. */
  approve(taskId: string, toolCallId: string, approved: boolean): Promise<boolean>;
  /** Asks where these queued tasks stand; an empty list just forgets the old answer. */
  refreshPositions(taskIds: readonly string[]): Promise<void>;
  dismissNotice(): void;
}

export type TaskAction = 'retry' | 'cancel' | 'resume' | 'pause';

const ACTION_METHOD = {
  retry: 'tasks.retry',
  cancel: 'tasks.cancel',
  resume: 'tasks.resume',
  pause: 'tasks.pause',
} as const;

/** The slots we already hold are kept when unchanged, so their messages do not re-render. */
function samePositions(
  held: Record<string, QueueSlot>,
  slots: readonly QueueSlot[],
): Record<string, QueueSlot> {
  const next: Record<string, QueueSlot> = {};
  for (const slot of slots) {
    const old = held[slot.taskId];
    const unchanged = old && old.position === slot.position && old.etaMs === slot.etaMs;
    next[slot.taskId] = unchanged ? old : slot;
  }
  return next;
}

export type ChatStore = StoreApi<ChatState>;

/**
 * The chat state and the only code that talks to the API on the UI's behalf.
 * `schedule` decides when queued events are applied: once per animation frame in the page
 * (`nextFrame`), by hand in tests.
 */
export function createChatStore(api: RendererApi, schedule: Scheduler): ChatStore {
  let listInflight = false;
  /** Until the user picks a conversation or starts a new one, open the most recent one. */
  let autoPick = true;
  /** A send that is creating a conversation: further sends wait for it instead of making another. */
  let creating: Promise<string | null> | null = null;
  /** Only the answer to the latest positions request counts; an older one may arrive last. */
  let positionsAsked = 0;

  const store = createStore<ChatState>()((set, get) => ({
    ...emptyChatData(),
    currentId: null,
    connection: 'connecting',
    notice: null,
    language: null,
    positions: {},
    earlierStatus: {},
    agents: [],
    newAgent: null,
    loadAgents,
    setNewAgent(agentId) {
      set({ newAgent: agentId });
    },
    select(conversationId) {
      autoPick = false;
      set({ currentId: conversationId });
      if (!get().loaded[conversationId]) history.latest(conversationId);
    },
    loadEarlier: (conversationId) => history.earlier(conversationId),
    newChat() {
      autoPick = false;
      // A new chat starts with the settings' agent unless the user picks another.
      set({ currentId: null, newAgent: null });
      loadAgents();
    },
    async send(text, lane) {
      const known = get().currentId ?? (creating ? await creating : null);
      const agentId = get().newAgent;
      const params = known
        ? { conversationId: known, text }
        : { text, ...(agentId !== null ? { agentId } : {}) };
      const request = api.invoke('chat.send', lane ? { ...params, lane } : params);
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
        set({ notice: noticeOf('notSent', error) });
        return false;
      } finally {
        if (creating === pending) creating = null;
      }
    },
    async act(action, taskId) {
      try {
        const task = await api.invoke(ACTION_METHOD[action], { taskId });
        queue.push({ type: 'task', task });
        // A click deserves an answer on screen now, not a frame later.
        queue.flushNow();
      } catch (error) {
        set({ notice: noticeOf(action, error) });
      }
    },
    async approve(taskId, toolCallId, approved) {
      try {
        const task = await api.invoke('tasks.approve', { taskId, toolCallId, approved });
        queue.push({ type: 'task', task });
        queue.flushNow();
        return true;
      } catch (error) {
        set({ notice: noticeOf('approve', error) });
        return false;
      }
    },
    async rename(conversationId, title) {
      try {
        const conversation = await api.invoke('conversations.rename', { conversationId, title });
        queue.push({ type: 'conversation', conversation });
        queue.flushNow();
        return true;
      } catch (error) {
        set({ notice: noticeOf('rename', error) });
        return false;
      }
    },
    async remove(conversationId) {
      try {
        await api.invoke('conversations.delete', { conversationId });
        // The event reaches every window; this one need not wait for it.
        queue.push({ type: 'conversation-deleted', conversationId });
        queue.flushNow();
        return true;
      } catch (error) {
        set({ notice: noticeOf('delete', error) });
        return false;
      }
    },
    async readHistory(conversationId) {
      try {
        // No limit: the whole conversation in one answer.
        return await api.invoke('chat.history', { conversationId });
      } catch (error) {
        set({ notice: noticeOf('export', error) });
        return null;
      }
    },
    async refreshPositions(taskIds) {
      const asked = ++positionsAsked;
      if (taskIds.length === 0) {
        if (Object.keys(get().positions).length > 0) set({ positions: {} });
        return;
      }
      try {
        const slots = await api.invoke('queue.positions', { taskIds: [...taskIds] });
        if (asked === positionsAsked) set({ positions: samePositions(get().positions, slots) });
      } catch {
        // Asked again in a moment; a lost connection is already shown by the status line.
      }
    },
    dismissNotice() {
      set({ notice: null });
    },
  }));
  const { getState, setState } = store;

  const applyItems = (items: Incoming[]): void => {
    const { data, refetch, listStale, deleted } = applyBatch(getState(), items);
    setState(data);
    const { currentId } = getState();
    // The open conversation is gone (here or in another window): open the most recent one.
    if (currentId !== null && deleted.includes(currentId)) {
      const next = data.conversations[0];
      if (next) getState().select(next.id);
      else setState({ currentId: null });
    }
    for (const conversationId of refetch) history.latest(conversationId);
    if (listStale) loadConversations();
  };
  const queue = createFrameQueue<Incoming>(applyItems, schedule);
  const history = createHistoryLoader(api, store, queue);

  /** Once at load and after a reconnect; `upstream` events keep it current in between. */
  function loadUpstream(): void {
    api
      .invoke('upstream.status', {})
      .then((status) => queue.push({ type: 'upstream', status }))
      .catch(() => {
        // The strip stays as it was; the next `upstream` event brings the status anyway.
      });
  }

  /** The gateway's agents, for the agent picker of a new chat; a failure leaves the list. */
  function loadAgents(): void {
    api
      .invoke('gateway.check', {})
      .then((check) => {
        if (check.agents.length > 0) setState({ agents: check.agents });
      })
      .catch(() => {
        // No list: the picker offers only the settings' agent.
      });
  }

  /** Tells main which conversation is on screen, so its messages go first in their lane. */
  function focus(conversationId: string | null): void {
    api.invoke('ui.focus', { conversationId }).catch(() => {
      // Only a hint for ordering: without it the queue still runs, oldest first.
    });
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
      .catch((error: unknown) => setState({ notice: noticeOf('loadConversations', error) }))
      .finally(() => {
        listInflight = false;
      });
  }

  /** The language to show; `settings` events keep it current. */
  function loadSettings(): void {
    api
      .invoke('settings.get', {})
      .then((settings) => setState({ language: settings.language }))
      .catch(() => {
        // The system's language stays: better than no page.
      });
  }

  api.onEvent((event) => {
    if (event.type === 'settings') setState({ language: event.settings.language });
    else queue.push(event);
  });
  api.onStatus((connection) => setState({ connection }));
  api.onResync(() => {
    // Events sent while we were away are gone: forget what we hold and read it again.
    queue.push({ type: 'invalidate' });
    queue.flushNow();
    setState({ notice: null });
    history.forgetFailures();
    // The server may have restarted and forgotten which conversation is on screen.
    focus(getState().currentId);
    loadUpstream();
    loadSettings();
    loadConversations();
  });
  store.subscribe((state, previous) => {
    if (state.currentId !== previous.currentId) focus(state.currentId);
  });
  focus(null);
  loadAgents();
  loadUpstream();
  loadSettings();
  loadConversations();
  return store;
}
