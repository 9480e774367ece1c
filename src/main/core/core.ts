import type { ApiMethod, ApiOutcome, TaskEvent } from '../../shared/ipc-contract.ts';
import type { ConversationView } from '../../shared/task.ts';
import type { ApiHandlers } from './api-dispatcher.ts';
import { ApiRefusal, dispatch } from './api-dispatcher.ts';
import { openDatabase } from './database.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { RateLimiter } from './rate-limiter.ts';
import { Scheduler } from './scheduler.ts';
import { UpstreamGate } from './upstream-gate.ts';
import type { CoreSettings } from './settings.ts';
import { applyTaskAction } from './task-actions.ts';
import { SubmitRefused, TaskStore } from './task-store.ts';
import type { SpawnWorker } from './worker-port.ts';

export interface ClawDeskCore {
  /** Validates method + params against apiContract and runs it; never throws. */
  dispatch(method: string, params: unknown): Promise<ApiOutcome<ApiMethod>>;
  onEvent(listener: (event: TaskEvent) => void): () => void;
  /** Graceful: stop scheduling, checkpoint, interrupt running tasks, end workers, close db. */
  close(): Promise<void>;
}

export interface CoreOptions {
  dbPath: string;
  settings: CoreSettings;
  spawnWorker: SpawnWorker;
  log?: (line: string) => void;
  /** The clock of retention sweeps; tests move it. */
  now?: () => number;
}

const TITLE_CHARS = 60;
/** Upstream status changes with every grant; the UI needs a few updates a second at most. */
const UPSTREAM_EVENT_MS = 200;

/** Runs `fn` at most once per `ms`, trailing: the last change always gets through. */
function throttle(ms: number, fn: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  return () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
    timer.unref();
  };
}

/**
 * The main-process core, the same under Electron and plain Node: SQLite store, scheduler and
 * worker pool, behind the command table of the IPC contract.
 */
export function createCore(options: CoreOptions): ClawDeskCore {
  const log = options.log ?? ((line: string) => console.error(`[clawdesk] ${line}`));
  const now = options.now ?? Date.now;
  const settings = options.settings;
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
  const limiter = new RateLimiter(settings.rateLimit);
  const breaker = new CircuitBreaker(settings.breaker);
  // A unit back in the window or a slot freed may let a task start: look at once (coalesced).
  // The UI hears of it at most a few times a second. Both run later, once `scheduler` is set.
  let pumpQueued = false;
  const emitUpstream = throttle(UPSTREAM_EVENT_MS, () =>
    emit({ type: 'upstream', status: gate.status() }),
  );
  const upstreamChanged = (): void => {
    emitUpstream();
    if (pumpQueued) return;
    pumpQueued = true;
    setImmediate(() => {
      pumpQueued = false;
      scheduler.pump();
    });
  };
  const gate = new UpstreamGate(limiter, breaker, settings.authRetryMs, upstreamChanged);
  limiter.onChange(upstreamChanged);
  breaker.onChange(upstreamChanged);
  const scheduler: Scheduler = new Scheduler({
    store,
    settings: () => settings,
    spawnWorker: options.spawnWorker,
    budget: gate,
    emit,
    log,
  });
  scheduler.recover();

  const sweep = (): void => {
    const swept = store.sweepFinished(now() - settings.retentionMs);
    if (swept > 0) log(`swept ${swept} finished tasks older than the retention period`);
  };
  sweep();
  const sweepTimer = setInterval(sweep, settings.sweepEveryMs);
  sweepTimer.unref();

  const handlers: ApiHandlers = {
    'conversations.list': () => store.conversations.list(),
    'chat.history': ({ conversationId }) => {
      if (!store.conversations.get(conversationId)) {
        throw new ApiRefusal('not_found', `conversation ${conversationId} does not exist`);
      }
      return store.listByConversation(conversationId).map((task) => scheduler.live(task));
    },
    'chat.send': ({ conversationId, text, lane }) => {
      checkInputSize(text, settings.maxInputBytes);
      const existing = conversationId ? store.conversations.get(conversationId) : undefined;
      if (conversationId && !existing) {
        throw new ApiRefusal('not_found', `conversation ${conversationId} does not exist`);
      }
      // One transaction: a refused submit leaves no empty new conversation behind.
      const { conversation, task } = refusalsNamed(() =>
        store.atomically(() => {
          const conversation = existing ?? store.conversations.create(titleOf(text));
          const task = store.submit(
            {
              conversationId: conversation.id,
              prompt: text,
              lane: lane ?? 'interactive',
              agentId: settings.gateway.agentId,
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
        createdAt: conversation.createdAt,
        updatedAt: task.createdAt,
      };
      const { enabled, ttlMs } = settings.responseCache;
      const cached = enabled ? store.answerFromCache(task.id, now() - ttlMs) : undefined;
      emit({ type: 'conversation', conversation: view });
      emit({ type: 'task', task: cached ?? task });
      if (cached) return { conversation: view, task: cached };
      // The task is committed; hand it to a worker after this answer has gone out.
      setImmediate(() => scheduler.pump());
      return { conversation: view, task };
    },
    'tasks.pause': ({ taskId }) => applyTaskAction(store, scheduler, 'pause', taskId),
    'tasks.resume': ({ taskId }) => applyTaskAction(store, scheduler, 'resume', taskId),
    'tasks.cancel': ({ taskId }) => applyTaskAction(store, scheduler, 'cancel', taskId),
    'tasks.retry': ({ taskId }) => applyTaskAction(store, scheduler, 'retry', taskId),
    'upstream.status': () => gate.status(),
    'queue.positions': ({ taskIds }) => {
      const ahead = gate.status().limiter.waiting;
      return store.queuePositions(taskIds).map(({ taskId, position }) => ({
        taskId,
        position,
        etaMs: limiter.etaMs(ahead + position),
      }));
    },
    'ui.focus': ({ conversationId }) => {
      scheduler.focus(conversationId);
      return {};
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
      clearInterval(sweepTimer);
      closing ??= scheduler.stop().finally(() => {
        gate.stop();
        db.close();
      });
      return closing;
    },
  };
}

function refusalsNamed<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SubmitRefused) throw new ApiRefusal('refused', err.message);
    throw err;
  }
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
