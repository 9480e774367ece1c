import type { QueueSlot } from '../../../shared/upstream.ts';
import type { RendererApi } from '../api/types.ts';
import type { ChatContext, ChatState } from './chat-state.ts';
import { noticeOf } from './notice.ts';

/**
 * The chat's actions that ask main for something, in groups; each answer goes through the
 * event queue like an event, and a refusal becomes the notice.
 */
const ACTION_METHOD = {
  retry: 'tasks.retry',
  cancel: 'tasks.cancel',
  resume: 'tasks.resume',
  pause: 'tasks.pause',
} as const;

/** Sending a message: into the open conversation, or a new one made by the first send. */
function sendAction(api: RendererApi, ctx: ChatContext): ChatState['send'] {
  /** A send that is creating a conversation: further sends wait for it instead of making another. */
  let creating: Promise<string | null> | null = null;
  return async (text, lane) => {
    const known = ctx.get().currentId ?? (creating ? await creating : null);
    const agentId = ctx.get().newAgent;
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
      ctx.queue.push({ type: 'sent', conversation, task, created: !known });
      // The user just pressed Enter: show the message now rather than next frame.
      ctx.queue.flushNow();
      if (!known && ctx.get().currentId === null) ctx.set({ currentId: conversation.id });
      return true;
    } catch (error) {
      ctx.set({ notice: noticeOf('notSent', error) });
      return false;
    } finally {
      if (creating === pending) creating = null;
    }
  };
}

/** Sending a message, and what can be done to one. */
export function messageActions(
  api: RendererApi,
  ctx: ChatContext,
): Pick<ChatState, 'send' | 'act' | 'approve'> {
  return {
    send: sendAction(api, ctx),
    async act(action, taskId) {
      try {
        const task = await api.invoke(ACTION_METHOD[action], { taskId });
        ctx.queue.push({ type: 'task', task });
        // A click deserves an answer on screen now, not a frame later.
        ctx.queue.flushNow();
      } catch (error) {
        ctx.set({ notice: noticeOf(action, error) });
      }
    },
    async approve(taskId, toolCallId, approved) {
      try {
        const task = await api.invoke('tasks.approve', { taskId, toolCallId, approved });
        ctx.queue.push({ type: 'task', task });
        ctx.queue.flushNow();
        return true;
      } catch (error) {
        ctx.set({ notice: noticeOf('approve', error) });
        return false;
      }
    },
  };
}

/** Renaming, deleting and exporting a conversation. */
export function conversationActions(
  api: RendererApi,
  ctx: ChatContext,
): Pick<ChatState, 'rename' | 'remove' | 'readHistory'> {
  return {
    async rename(conversationId, title) {
      try {
        const conversation = await api.invoke('conversations.rename', { conversationId, title });
        ctx.queue.push({ type: 'conversation', conversation });
        ctx.queue.flushNow();
        return true;
      } catch (error) {
        ctx.set({ notice: noticeOf('rename', error) });
        return false;
      }
    },
    async remove(conversationId) {
      try {
        await api.invoke('conversations.delete', { conversationId });
        // The event reaches every window; this one need not wait for it.
        ctx.queue.push({ type: 'conversation-deleted', conversationId });
        ctx.queue.flushNow();
        return true;
      } catch (error) {
        ctx.set({ notice: noticeOf('delete', error) });
        return false;
      }
    },
    async readHistory(conversationId) {
      try {
        // No limit: the whole conversation in one answer.
        return await api.invoke('chat.history', { conversationId });
      } catch (error) {
        ctx.set({ notice: noticeOf('export', error) });
        return null;
      }
    },
  };
}

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

/** Where the open conversation's queued tasks stand. */
export function positionActions(
  api: RendererApi,
  ctx: ChatContext,
): Pick<ChatState, 'refreshPositions'> {
  /** Only the answer to the latest positions request counts; an older one may arrive last. */
  let positionsAsked = 0;
  return {
    async refreshPositions(taskIds) {
      const asked = ++positionsAsked;
      if (taskIds.length === 0) {
        if (Object.keys(ctx.get().positions).length > 0) ctx.set({ positions: {} });
        return;
      }
      try {
        const slots = await api.invoke('queue.positions', { taskIds: [...taskIds] });
        if (asked === positionsAsked) {
          ctx.set({ positions: samePositions(ctx.get().positions, slots) });
        }
      } catch {
        // Asked again in a moment; a lost connection is already shown by the status line.
      }
    },
  };
}
