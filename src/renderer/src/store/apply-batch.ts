import type { TaskEvent } from '../../../shared/ipc-contract.ts';
import type { ConversationView, TaskView, ToolCallView } from '../../../shared/task.ts';
import type { UpstreamStatus } from '../../../shared/upstream.ts';
import { byCreation, withEarlier, withLatest } from './history-window.ts';
import { isTerminal, mergeTask, withoutPhase } from './merge-task.ts';

export { mergeTask } from './merge-task.ts';

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

const byRecency = (a: ConversationView, b: ConversationView): number => b.updatedAt - a.updatedAt;

/** Applies a batch of incoming items, copying each collection at most once. */
export function applyBatch(data: ChatData, items: readonly Incoming[]): BatchResult {
  const batch = new Batch(data);
  for (const item of items) batch.apply(item);
  return batch.result();
}

type Delta = Extract<TaskEvent, { type: 'delta' }>;
type Page = Extract<Incoming, { type: 'history' | 'earlier' }>;

/**
 * One batch's working copy of ChatData. A collection is copied the first time the batch
 * writes to it, so untouched ones keep their identity (and their components do not re-render).
 */
class Batch {
  private data: ChatData;
  private tasksCopied = false;
  private orderCopied = false;
  private readonly refetch = new Set<string>();
  private readonly deleted = new Set<string>();
  /** Conversations of tasks new to us; checked against the list once the batch is done. */
  private readonly touched = new Set<string>();

  constructor(data: ChatData) {
    this.data = { ...data };
  }

  apply(item: Incoming): void {
    const data = this.data;
    switch (item.type) {
      case 'task':
        return this.putTask(item.task);
      case 'delta':
        return this.appendDelta(item);
      case 'conversation':
        // A late update of a conversation deleted in this batch must not bring it back.
        if (!this.deleted.has(item.conversation.id)) this.upsertConversation(item.conversation);
        return;
      case 'conversation-deleted':
        return this.dropConversation(item.conversationId);
      case 'conversations':
        data.conversations = [...item.conversations].sort(byRecency);
        return;
      case 'sent':
        this.upsertConversation(item.conversation);
        this.putTask(item.task);
        if (item.created) data.loaded = { ...data.loaded, [item.conversation.id]: true };
        return;
      case 'history':
      case 'earlier':
        return this.putPage(item);
      case 'tool':
        return this.putToolCall(item);
      case 'upstream':
        // Each status is complete: the latest one wins.
        data.upstream = item.status;
        return;
      case 'invalidate':
        data.loaded = {};
        return;
    }
  }

  result(): BatchResult {
    const { conversations } = this.data;
    const listStale = [...this.touched].some((id) => !conversations.some((c) => c.id === id));
    return {
      data: this.data,
      refetch: [...this.refetch],
      listStale,
      deleted: [...this.deleted],
    };
  }

  private writeTask(task: TaskView): void {
    if (!this.tasksCopied) this.data.tasks = { ...this.data.tasks };
    this.tasksCopied = true;
    this.data.tasks[task.id] = task;
  }

  private writeOrder(conversationId: string, ids: string[]): void {
    if (!this.orderCopied) this.data.order = { ...this.data.order };
    this.orderCopied = true;
    this.data.order[conversationId] = ids;
  }

  private setEarlier(conversationId: string, oldest: string | undefined): void {
    const { earlier } = this.data;
    if (earlier[conversationId] === oldest) return;
    const { [conversationId]: _was, ...rest } = earlier;
    this.data.earlier = oldest === undefined ? rest : { ...rest, [conversationId]: oldest };
  }

  /**
   * A task older than the oldest we hold of a conversation with more before it: it belongs to
   * a page not read yet, which will bring it whole. Listing it now would leave a hole above it.
   */
  private beforeWindow(conversationId: string, taskId: string): boolean {
    const oldest = this.data.earlier[conversationId];
    return oldest !== undefined && taskId < oldest;
  }

  private upsertConversation(conversation: ConversationView): void {
    const rest = this.data.conversations.filter((c) => c.id !== conversation.id);
    this.data.conversations = [...rest, conversation].sort(byRecency);
  }

  private putTask(incoming: TaskView): void {
    // The cancelled tasks of a conversation deleted in this batch: nowhere to show them.
    if (this.deleted.has(incoming.conversationId)) return;
    const { tasks } = this.data;
    const existing = tasks[incoming.id];
    const merged = mergeTask(existing, incoming);
    if (merged !== existing) this.writeTask(merged);
    // Its view is kept (a page read before this event must not undo it), but not listed.
    if (existing || this.beforeWindow(incoming.conversationId, incoming.id)) return;
    const ids = this.data.order[incoming.conversationId] ?? [];
    const all = this.data.tasks;
    const last = ids.length > 0 ? all[ids[ids.length - 1] ?? ''] : undefined;
    // Usually the newest task: append; sort only when something arrived out of order.
    const next = [...ids, incoming.id];
    if (last && byCreation(last, incoming) > 0) {
      next.sort((a, b) => byCreation(all[a] ?? incoming, all[b] ?? incoming));
    }
    this.writeOrder(incoming.conversationId, next);
    this.touched.add(incoming.conversationId);
  }

  /** Forgets a deleted conversation: its entry, its messages and whether we loaded it. */
  private dropConversation(conversationId: string): void {
    const data = this.data;
    data.conversations = data.conversations.filter((c) => c.id !== conversationId);
    const ids = data.order[conversationId];
    if (ids || data.earlier[conversationId] !== undefined) {
      if (!this.tasksCopied) data.tasks = { ...data.tasks };
      this.tasksCopied = true;
      // By owner, not by `order`: views of tasks before the window (see putTask) are in no list.
      for (const task of Object.values(data.tasks)) {
        if (task.conversationId === conversationId) delete data.tasks[task.id];
      }
    }
    if (ids) {
      if (ids.some((id) => data.toolCalls[id])) {
        data.toolCalls = { ...data.toolCalls };
        for (const id of ids) delete data.toolCalls[id];
      }
      if (!this.orderCopied) data.order = { ...data.order };
      this.orderCopied = true;
      delete data.order[conversationId];
    }
    if (data.loaded[conversationId]) {
      const { [conversationId]: _gone, ...rest } = data.loaded;
      data.loaded = rest;
    }
    this.setEarlier(conversationId, undefined);
    this.refetch.delete(conversationId);
    this.touched.delete(conversationId);
    this.deleted.add(conversationId);
  }

  private appendDelta(event: Delta): void {
    const task = this.data.tasks[event.taskId];
    // Reading the latest page again cannot fill a gap before the window: its own page will.
    const gap = (): void => {
      const { conversationId, taskId } = event;
      if (this.data.loaded[conversationId] && !this.beforeWindow(conversationId, taskId)) {
        this.refetch.add(conversationId);
      }
    };
    if (!task) return gap();
    if (isTerminal(task.state)) return; // the final snapshot already holds all the text
    const length = task.output.length;
    // Text went missing between what we hold and this delta: only the server has it.
    if (event.offset > length) return gap();
    // offset < length: we already have the start of this text; keep only the new tail.
    const tail = event.text.slice(length - event.offset);
    if (tail.length > 0) this.writeTask({ ...withoutPhase(task), output: task.output + tail });
  }

  private putPage(item: Page): void {
    const data = this.data;
    // A page for a window that moved while it was read (read again, deleted) fits nowhere.
    if (item.type === 'earlier' && data.earlier[item.conversationId] !== item.before) return;
    for (const task of item.tasks) {
      const merged = mergeTask(data.tasks[task.id], task);
      if (merged !== data.tasks[task.id]) this.writeTask(merged);
    }
    const held = data.order[item.conversationId] ?? [];
    const next =
      item.type === 'history'
        ? withLatest(held, item.tasks, item.limit, data.tasks)
        : withEarlier(held, item.tasks, item.limit);
    this.writeOrder(item.conversationId, next.ids);
    this.setEarlier(item.conversationId, next.earlier);
    if (item.type === 'history') {
      data.loaded = { ...data.loaded, [item.conversationId]: true };
      this.refetch.delete(item.conversationId);
    }
  }

  private putToolCall(item: Extract<TaskEvent, { type: 'tool' }>): void {
    if (this.deleted.has(item.conversationId)) return;
    const held = this.data.toolCalls[item.taskId] ?? [];
    // A repeated event (after a resync) replaces its earlier copy.
    const rest = held.filter((c) => c.toolCallId !== item.call.toolCallId);
    this.data.toolCalls = {
      ...this.data.toolCalls,
      [item.taskId]: [...rest, item.call].slice(-MAX_TOOL_CALLS_SHOWN),
    };
  }
}
