import type { StoreApi } from 'zustand/vanilla';
import type { Language } from '../../../shared/settings.ts';
import type { Lane, TaskView } from '../../../shared/task.ts';
import type { QueueSlot } from '../../../shared/upstream.ts';
import type { ConnectionStatus } from '../api/types.ts';
import type { ChatData, Incoming } from './apply-batch.ts';
import type { FrameQueue } from './frame-queue.ts';
import type { createHistoryLoader, EarlierStatus } from './history-loader.ts';
import type { Notice } from './notice.ts';

/** The chat's state and its actions (the store is made by chat-store.ts). */
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

export type ChatStore = StoreApi<ChatState>;

type SetChat = StoreApi<ChatState>['setState'];
type GetChat = StoreApi<ChatState>['getState'];

/**
 * What the actions share: the store's own set/get, the event queue and the history loader
 * (made after the store, so read when an action runs), and whether the most recent
 * conversation opens by itself (until the user picks one or starts a new one).
 */
export interface ChatContext {
  set: SetChat;
  get: GetChat;
  queue: FrameQueue<Incoming>;
  history: ReturnType<typeof createHistoryLoader>;
  autoPick: boolean;
}
