import type { TaskEvent } from '../../../shared/ipc-contract.ts';
import type { ConversationView, TaskState, TaskView, ToolCallView } from '../../../shared/task.ts';
import { TERMINAL_STATES } from '../../../shared/task.ts';
import type { UpstreamStatus } from '../../../shared/upstream.ts';
import { byCreation, withEarlier, withLatest } from './history-window.ts';

/** The server-derived part of the chat state. */
export interface ChatData {
  /** Most recently updated first. */
  conversations: ConversationView[];
  tasks: Record<string, TaskView>;
  /** Task ids per conversation, oldest first. */
  order: Record<string, string[]>;
  /**
   * Conversations whose history we hold up to the latest task (so a missing task there is a
   * gap), from their start or from `earlier`.
   */
  loaded: Record<string, true>;
  /**
   * Conversations with older tasks than we hold: the oldest task we hold, which is where the
   * next page ends (`before`). Only the tasks from there on are listed in `order`.
   */
  earlier: Record<string, string>;
  /** The shared upstream budget (limiter, breaker, token); null until first read. */
  upstream: UpstreamStatus | null;
  /** The latest tool calls of each task seen live (`tool` events), oldest first, for display. */
  toolCalls: Record<string, ToolCallView[]>;
}

/** How many tool calls per task the chat keeps for display; the monitor has them all. */
export const MAX_TOOL_CALLS_SHOWN = 20;

/**
 * Everything that changes ChatData goes through one queue, in arrival order: server events,
 * and the answers to our own requests (whose replies share the socket with the events).
 */
export type Incoming =
  | TaskEvent
  /** The latest `limit` tasks (a full page means there are older ones), or all without it. */
  | { type: 'history'; conversationId: string; tasks: TaskView[]; limit?: number }
  /** The page of `limit` tasks just before `before`, to go on top of what we hold. */
  | { type: 'earlier'; conversationId: string; before: string; tasks: TaskView[]; limit: number }
  | { type: 'conversations'; conversations: ConversationView[] }
  | { type: 'sent'; conversation: ConversationView; task: TaskView; created: boolean }
  /** After a reconnect: what we hold may have missed events. */
  | { type: 'invalidate' };

export interface BatchResult {
  data: ChatData;
  /** Conversations whose history has a gap and must be fetched again. */
  refetch: string[];
  /** An event named a conversation we do not list: the list is stale. */
  listStale: boolean;
  /** Conversations deleted in this batch (the open one may be among them). */
  deleted: string[];
}

export const emptyChatData = (): ChatData => ({
  conversations: [],
  tasks: {},
  order: {},
  loaded: {},
  earlier: {},
  upstream: null,
  toolCalls: {},
});

const isTerminal = (state: TaskState): boolean => TERMINAL_STATES.includes(state);

const stateRank = (state: TaskState): number =>
  isTerminal(state) ? 3 : state === 'running' ? 2 : state === 'queued' ? 0 : 1;

const byRecency = (a: ConversationView, b: ConversationView): number => b.updatedAt - a.updatedAt;

/**
 * Which of two views of one task to keep. Snapshots and history can arrive out of order with
 * deltas (Electron IPC and the event port are separate channels), so an older view must not
 * overwrite a newer one, and a running task keeps the longer text we already streamed.
 */
export function mergeTask(existing: TaskView | undefined, incoming: TaskView): TaskView {
  if (!existing) return incoming;
  if (incoming.updatedAt < existing.updatedAt) return existing;
  if (
    incoming.updatedAt === existing.updatedAt &&
    stateRank(incoming.state) < stateRank(existing.state)
  ) {
    return existing;
  }
  const keepStreamed =
    incoming.state === 'running' &&
    existing.state === 'running' &&
    incoming.attempts === existing.attempts &&
    existing.output.length > incoming.output.length &&
    existing.output.startsWith(incoming.output);
  // The longer text we hold came after this snapshot, so its phase ("waiting for…") is over.
  return keepStreamed ? { ...withoutPhase(incoming), output: existing.output } : incoming;
}

/** Main drops a running task's phase once text streams, without sending a new snapshot. */
function withoutPhase(task: TaskView): TaskView {
  if (task.phase === undefined) return task;
  const { phase: _over, ...rest } = task;
  return rest;
}

/** Applies a batch of incoming items, copying each collection at most once. */
export function applyBatch(data: ChatData, items: readonly Incoming[]): BatchResult {
  let { conversations, tasks, order, loaded, earlier, upstream, toolCalls } = data;
  let tasksCopied = false;
  let orderCopied = false;
  const refetch = new Set<string>();
  const deleted = new Set<string>();
  /** Conversations of tasks new to us; checked against the list once the batch is done. */
  const touched = new Set<string>();

  const writeTask = (task: TaskView): void => {
    if (!tasksCopied) tasks = { ...tasks };
    tasksCopied = true;
    tasks[task.id] = task;
  };
  const writeOrder = (conversationId: string, ids: string[]): void => {
    if (!orderCopied) order = { ...order };
    orderCopied = true;
    order[conversationId] = ids;
  };
  const setEarlier = (conversationId: string, oldest: string | undefined): void => {
    if (earlier[conversationId] === oldest) return;
    const { [conversationId]: _was, ...rest } = earlier;
    earlier = oldest === undefined ? rest : { ...rest, [conversationId]: oldest };
  };
  /**
   * A task older than the oldest we hold of a conversation with more before it: it belongs to
   * a page not read yet, which will bring it whole. Listing it now would leave a hole above it.
   */
  const beforeWindow = (conversationId: string, taskId: string): boolean => {
    const oldest = earlier[conversationId];
    return oldest !== undefined && taskId < oldest;
  };
  const upsertConversation = (conversation: ConversationView): void => {
    const rest = conversations.filter((c) => c.id !== conversation.id);
    conversations = [...rest, conversation].sort(byRecency);
  };
  const putTask = (incoming: TaskView): void => {
    // The cancelled tasks of a conversation deleted in this batch: nowhere to show them.
    if (deleted.has(incoming.conversationId)) return;
    const existing = tasks[incoming.id];
    const merged = mergeTask(existing, incoming);
    if (merged !== existing) writeTask(merged);
    // Its view is kept (a page read before this event must not undo it), but not listed.
    if (existing || beforeWindow(incoming.conversationId, incoming.id)) return;
    const ids = order[incoming.conversationId] ?? [];
    const last = ids.length > 0 ? tasks[ids[ids.length - 1] ?? ''] : undefined;
    // Usually the newest task: append; sort only when something arrived out of order.
    const next = [...ids, incoming.id];
    if (last && byCreation(last, incoming) > 0) {
      next.sort((a, b) => byCreation(tasks[a] ?? incoming, tasks[b] ?? incoming));
    }
    writeOrder(incoming.conversationId, next);
    touched.add(incoming.conversationId);
  };
  /** Forgets a deleted conversation: its entry, its messages and whether we loaded it. */
  const dropConversation = (conversationId: string): void => {
    conversations = conversations.filter((c) => c.id !== conversationId);
    const ids = order[conversationId];
    if (ids || earlier[conversationId] !== undefined) {
      if (!tasksCopied) tasks = { ...tasks };
      tasksCopied = true;
      // By owner, not by `order`: views of tasks before the window (see putTask) are in no list.
      for (const task of Object.values(tasks)) {
        if (task.conversationId === conversationId) delete tasks[task.id];
      }
    }
    if (ids) {
      if (ids.some((id) => toolCalls[id])) {
        toolCalls = { ...toolCalls };
        for (const id of ids) delete toolCalls[id];
      }
      if (!orderCopied) order = { ...order };
      orderCopied = true;
      delete order[conversationId];
    }
    if (loaded[conversationId]) {
      const { [conversationId]: _gone, ...rest } = loaded;
      loaded = rest;
    }
    setEarlier(conversationId, undefined);
    refetch.delete(conversationId);
    touched.delete(conversationId);
    deleted.add(conversationId);
  };
  const appendDelta = (event: Extract<TaskEvent, { type: 'delta' }>): void => {
    const task = tasks[event.taskId];
    // Reading the latest page again cannot fill a gap before the window: its own page will.
    const gap = (): void => {
      const { conversationId, taskId } = event;
      if (loaded[conversationId] && !beforeWindow(conversationId, taskId)) {
        refetch.add(conversationId);
      }
    };
    if (!task) return gap();
    if (isTerminal(task.state)) return; // the final snapshot already holds all the text
    const length = task.output.length;
    // Text went missing between what we hold and this delta: only the server has it.
    if (event.offset > length) return gap();
    // offset < length: we already have the start of this text; keep only the new tail.
    const tail = event.text.slice(length - event.offset);
    if (tail.length > 0) writeTask({ ...withoutPhase(task), output: task.output + tail });
  };

  for (const item of items) {
    switch (item.type) {
      case 'task':
        putTask(item.task);
        break;
      case 'delta':
        appendDelta(item);
        break;
      case 'conversation':
        // A late update of a conversation deleted in this batch must not bring it back.
        if (!deleted.has(item.conversation.id)) upsertConversation(item.conversation);
        break;
      case 'conversation-deleted':
        dropConversation(item.conversationId);
        break;
      case 'conversations':
        conversations = [...item.conversations].sort(byRecency);
        break;
      case 'sent':
        upsertConversation(item.conversation);
        putTask(item.task);
        if (item.created) loaded = { ...loaded, [item.conversation.id]: true };
        break;
      case 'history':
      case 'earlier': {
        // A page for a window that moved while it was read (read again, deleted) fits nowhere.
        if (item.type === 'earlier' && earlier[item.conversationId] !== item.before) break;
        for (const task of item.tasks) {
          const merged = mergeTask(tasks[task.id], task);
          if (merged !== tasks[task.id]) writeTask(merged);
        }
        const held = order[item.conversationId] ?? [];
        const next =
          item.type === 'history'
            ? withLatest(held, item.tasks, item.limit, tasks)
            : withEarlier(held, item.tasks, item.limit);
        writeOrder(item.conversationId, next.ids);
        setEarlier(item.conversationId, next.earlier);
        if (item.type === 'history') {
          loaded = { ...loaded, [item.conversationId]: true };
          refetch.delete(item.conversationId);
        }
        break;
      }
      case 'tool': {
        if (deleted.has(item.conversationId)) break;
        const held = toolCalls[item.taskId] ?? [];
        // A repeated event (after a resync) replaces its earlier copy.
        const rest = held.filter((c) => c.toolCallId !== item.call.toolCallId);
        toolCalls = {
          ...toolCalls,
          [item.taskId]: [...rest, item.call].slice(-MAX_TOOL_CALLS_SHOWN),
        };
        break;
      }
      case 'upstream':
        // Each status is complete: the latest one wins.
        upstream = item.status;
        break;
      case 'invalidate':
        loaded = {};
        break;
    }
  }
  const listStale = [...touched].some((id) => !conversations.some((c) => c.id === id));
  return {
    data: { conversations, tasks, order, loaded, earlier, upstream, toolCalls },
    refetch: [...refetch],
    listStale,
    deleted: [...deleted],
  };
}
