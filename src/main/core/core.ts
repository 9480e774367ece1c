import type { ApiMethod, ApiOutcome, TaskEvent } from '../../shared/ipc-contract.ts';
import type { ConversationView } from '../../shared/task.ts';
import type { ApiHandlers } from './api-dispatcher.ts';
import { ApiRefusal, dispatch } from './api-dispatcher.ts';
import { openDatabase } from './database.ts';
import { Scheduler } from './scheduler.ts';
import type { CoreSettings } from './settings.ts';
import { TaskStore } from './task-store.ts';
import type { SpawnWorker } from './worker-port.ts';

export interface ClawDeskCore {
  /** Validates method + params against apiContract and runs it; never throws. */
  dispatch(method: string, params: unknown): Promise<ApiOutcome<ApiMethod>>;
  onEvent(listener: (event: TaskEvent) => void): () => void;
  close(): Promise<void>;
}

export interface CoreOptions {
  dbPath: string;
  settings: CoreSettings;
  spawnWorker: SpawnWorker;
  log?: (line: string) => void;
}

const TITLE_CHARS = 60;

/**
 * The main-process core, the same under Electron and plain Node: SQLite store, scheduler and
 * worker pool, behind the command table of the IPC contract.
 */
export function createCore(options: CoreOptions): ClawDeskCore {
  const log = options.log ?? ((line: string) => console.error(`[clawdesk] ${line}`));
  const db = openDatabase(options.dbPath);
  const store = new TaskStore(db);
  const listeners = new Set<(event: TaskEvent) => void>();
  const emit = (event: TaskEvent): void => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (err) {
        log(`event listener failed: ${String(err)}`);
      }
    }
  };
  const settings = options.settings;
  const scheduler = new Scheduler({
    store,
    settings: () => settings,
    spawnWorker: options.spawnWorker,
    emit,
    log,
  });
  scheduler.recover();

  const handlers: ApiHandlers = {
    'conversations.list': () => store.listConversations(),
    'chat.history': ({ conversationId }) => {
      if (!store.getConversation(conversationId)) {
        throw new ApiRefusal('not_found', `conversation ${conversationId} does not exist`);
      }
      return store.listByConversation(conversationId).map((task) => {
        const live = scheduler.liveOutput(task.id);
        return live === undefined ? task : { ...task, output: live };
      });
    },
    'chat.send': ({ conversationId, text }) => {
      const existing = conversationId ? store.getConversation(conversationId) : undefined;
      if (conversationId && !existing) {
        throw new ApiRefusal('not_found', `conversation ${conversationId} does not exist`);
      }
      const conversation = existing ?? store.createConversation(titleOf(text));
      const task = store.submit({
        conversationId: conversation.id,
        prompt: text,
        lane: 'interactive',
        agentId: settings.gateway.agentId,
        maxAttempts: settings.maxAttempts,
      });
      const view: ConversationView = {
        id: conversation.id,
        title: conversation.title,
        createdAt: conversation.createdAt,
        updatedAt: task.createdAt,
      };
      emit({ type: 'conversation', conversation: view });
      emit({ type: 'task', task });
      // The task is committed; hand it to a worker after this answer has gone out.
      setImmediate(() => scheduler.pump());
      return { conversation: view, task };
    },
  };

  setImmediate(() => scheduler.pump());
  let closing: Promise<void> | undefined;
  return {
    dispatch: (method, params) => dispatch(handlers, method, params, log),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closing ??= scheduler.stop().finally(() => db.close());
      return closing;
    },
  };
}

function titleOf(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > TITLE_CHARS ? `${line.slice(0, TITLE_CHARS - 1)}…` : line;
}
