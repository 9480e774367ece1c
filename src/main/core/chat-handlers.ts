import type { ApiParams, ApiResult, TaskEvent } from '../../shared/ipc-contract.ts';
import type { ConversationView } from '../../shared/task.ts';
import type { ApiHandlers } from './api-dispatcher.ts';
import { ApiRefusal } from './api-dispatcher.ts';
import type { Scheduler } from './scheduler.ts';
import type { CoreSettings } from './settings.ts';
import { applyTaskAction } from './task-actions.ts';
import { SubmitRefused, type TaskStore } from './task-store.ts';

const TITLE_CHARS = 60;
const UNFINISHED = ['queued', 'running', 'paused', 'interrupted'] as const;

interface ChatDeps {
  store: TaskStore;
  scheduler: Scheduler;
  settings: CoreSettings;
  emit: (event: TaskEvent) => void;
  now: () => number;
}

/** Conversations and chat messages: the chat window's commands. */
export function chatHandlers({ store, scheduler, settings, emit, now }: ChatDeps) {
  const conversation = (id: string) => {
    const found = store.conversations.get(id);
    if (!found) throw new ApiRefusal('not_found', `conversation ${id} does not exist`);
    return found;
  };
  return {
    'conversations.rename': ({ conversationId, title }) => {
      conversation(conversationId);
      const view = store.conversations.rename(conversationId, title.trim()) as ConversationView;
      emit({ type: 'conversation', conversation: view });
      return view;
    },
    'conversations.delete': ({ conversationId }) => {
      conversation(conversationId);
      // Stop its work first: nothing may run for a conversation that is gone.
      for (const task of store.listByConversation(conversationId)) {
        if ((UNFINISHED as readonly string[]).includes(task.state)) {
          applyTaskAction(store, scheduler, 'cancel', task.id);
        }
      }
      const deletedTasks = store.conversations.delete(conversationId);
      emit({ type: 'conversation-deleted', conversationId });
      return { deletedTasks };
    },
    'conversations.list': () => store.conversations.list(),
    'chat.history': ({ conversationId, limit, before }) => {
      conversation(conversationId);
      if (before !== undefined) checkBefore(store, conversationId, before);
      const tasks =
        limit === undefined && before === undefined
          ? store.listByConversation(conversationId)
          : store.queries.historyPage(conversationId, { limit, before });
      // What only memory holds (streamed text not checkpointed yet, phase) for each page too.
      return tasks.map((task) => scheduler.live(task));
    },
    'chat.send': (params) => sendChat({ store, scheduler, settings, emit, now }, params),
  } satisfies Partial<ApiHandlers>;
}

/**
 * A chat message: into its conversation (a new one when none is named), as one task. Answered
 * at once from the response cache when the user turned it on and it holds the same question.
 */
function sendChat(deps: ChatDeps, params: ApiParams<'chat.send'>): ApiResult<'chat.send'> {
  const { store, scheduler, settings, emit, now } = deps;
  checkInputSize(params.text, settings.maxInputBytes);
  const existing = existingConversation(store, params);
  // One transaction: a refused submit leaves no empty new conversation behind.
  const { conversation, task } = refusalsNamed(() =>
    store.atomically(() => {
      const conversation =
        existing ?? store.conversations.create(titleOf(params.text), params.agentId ?? null);
      const task = store.submit(
        {
          conversationId: conversation.id,
          prompt: params.text,
          lane: params.lane ?? 'interactive',
          agentId: conversation.agentId ?? settings.gateway.agentId,
          maxAttempts: settings.maxAttempts,
        },
        settings.maxUnfinished,
      );
      return { conversation, task };
    }),
  );
  const view: ConversationView = {
    id: conversation.id,
    title: conversation.title,
    agentId: conversation.agentId ?? null,
    createdAt: conversation.createdAt,
    updatedAt: task.createdAt,
  };
  const { enabled, ttlMs } = settings.responseCache;
  const cached = enabled ? store.queries.answerFromCache(task.id, now() - ttlMs) : undefined;
  emit({ type: 'conversation', conversation: view });
  emit({ type: 'task', task: cached ?? task });
  if (cached) return { conversation: view, task: cached };
  // The task is committed; hand it to a worker after this answer has gone out.
  setImmediate(() => scheduler.pump());
  return { conversation: view, task };
}

/** The conversation a message names, which must exist and keep the agent it started with. */
function existingConversation(store: TaskStore, params: ApiParams<'chat.send'>) {
  const { conversationId, agentId } = params;
  const existing = conversationId ? store.conversations.get(conversationId) : undefined;
  if (conversationId && !existing) {
    throw new ApiRefusal('not_found', `conversation ${conversationId} does not exist`);
  }
  if (existing && agentId !== undefined && agentId !== (existing.agentId ?? null)) {
    throw new ApiRefusal(
      'invalid_params',
      `agentId: conversation ${existing.id} talks to its own agent; start a new chat for "${agentId}"`,
    );
  }
  return existing;
}

function refusalsNamed<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SubmitRefused) throw new ApiRefusal('refused', err.message);
    throw err;
  }
}

/** A page starts before a task of this conversation; any other id is a caller's mistake. */
function checkBefore(store: TaskStore, conversationId: string, before: string): void {
  const owner = store.queries.conversationOf(before);
  if (owner === conversationId) return;
  const why = owner === undefined ? 'there is no such task' : `it belongs to conversation ${owner}`;
  throw new ApiRefusal(
    'invalid_params',
    `chat.history: before: task ${before} is not in conversation ${conversationId}; ${why}`,
  );
}

function checkInputSize(text: string, maxBytes: number): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= maxBytes) return;
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  throw new ApiRefusal(
    'refused',
    `the message is ${mb(bytes)} MB; the limit for a task's input is ${mb(maxBytes)} MB`,
  );
}

function titleOf(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > TITLE_CHARS ? `${line.slice(0, TITLE_CHARS - 1)}…` : line;
}
