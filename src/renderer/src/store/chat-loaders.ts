import type { RendererApi } from '../api/types.ts';
import type { ChatContext } from './chat-state.ts';
import { noticeOf } from './notice.ts';

/**
 * What the chat reads from main at load and after a reconnect; events keep each current in
 * between. A failure leaves what is shown (or says so, for the conversation list).
 */
export function chatLoaders(api: RendererApi, ctx: ChatContext) {
  let listInflight = false;
  return {
    /** The limiter strip's status. */
    loadUpstream(): void {
      api
        .invoke('upstream.status', {})
        .then((status) => ctx.queue.push({ type: 'upstream', status }))
        .catch(() => {
          // The strip stays as it was; the next `upstream` event brings the status anyway.
        });
    },
    /** The gateway's agents, for the agent picker of a new chat. */
    loadAgents(): void {
      api
        .invoke('gateway.check', {})
        .then((check) => {
          if (check.agents.length > 0) ctx.set({ agents: check.agents });
        })
        .catch(() => {
          // No list: the picker offers only the settings' agent.
        });
    },
    /** Tells main which conversation is on screen, so its messages go first in their lane. */
    focus(conversationId: string | null): void {
      api.invoke('ui.focus', { conversationId }).catch(() => {
        // Only a hint for ordering: without it the queue still runs, oldest first.
      });
    },
    /** The conversations; opens the one on screen again, or the most recent one. */
    loadConversations(): void {
      if (listInflight) return;
      listInflight = true;
      api
        .invoke('conversations.list', {})
        .then((conversations) => {
          ctx.queue.push({ type: 'conversations', conversations });
          const { currentId } = ctx.get();
          const stillThere = currentId && conversations.some((c) => c.id === currentId);
          const latest = [...conversations].sort((a, b) => b.updatedAt - a.updatedAt)[0];
          const target = stillThere ? currentId : ctx.autoPick ? latest?.id : undefined;
          if (target) ctx.get().select(target);
        })
        .catch((error: unknown) => ctx.set({ notice: noticeOf('loadConversations', error) }))
        .finally(() => {
          listInflight = false;
        });
    },
    /** The language to show; `settings` events keep it current. */
    loadSettings(): void {
      api
        .invoke('settings.get', {})
        .then((settings) => ctx.set({ language: settings.language }))
        .catch(() => {
          // The system's language stays: better than no page.
        });
    },
  };
}
