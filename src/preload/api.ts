import type { IpcRenderer } from 'electron';
import type {
  ApiError,
  ApiMethod,
  ApiParams,
  ApiResult,
  ClawDeskApi,
  TaskEvent,
} from '../shared/ipc-contract.ts';
import {
  ApiErrorSchema,
  apiContract,
  EVENT_PORT_CHANNEL,
  ipcChannel,
  TaskEventSchema,
} from '../shared/ipc-contract.ts';

/**
 * What a failed `invoke` rejects with. contextBridge copies an Error into the page as a bare
 * Error with only its message: the class and any `code` property are lost. A plain object
 * crosses whole, so the page gets `{ name: 'ApiCallError', code, message }` — the same
 * `code` and `message` an ApiCallError has. The page may rewrap it:
 * `catch (e) { throw new ApiCallError(ApiErrorSchema.parse(e)) }`.
 */
export interface ApiCallErrorData extends ApiError {
  name: 'ApiCallError';
}

export const callError = (error: ApiError): ApiCallErrorData => ({
  name: 'ApiCallError',
  code: error.code,
  message: error.message,
});

/** At run time the DOM MessagePort of the renderer; typed structurally (no DOM lib here). */
interface RendererPort {
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

type PreloadIpc = Pick<IpcRenderer, 'invoke' | 'on'>;

/** Main → preload: "show this task" (a notification or the tray menu was clicked). */
export const OPEN_TASK_CHANNEL = 'clawdesk:open-task';

/** `window.clawdesk`: the contract's API plus the one main-initiated request the page obeys. */
export interface PreloadApi extends ClawDeskApi {
  /**
   * Called with a task id when the user asks main to show that task. A request that came
   * before anyone subscribed (the page was still loading) is delivered on subscribing.
   */
  onOpenTask(listener: (taskId: string) => void): () => void;
}

const isTaskId = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= 64;

const isApiMethod = (method: unknown): method is ApiMethod =>
  typeof method === 'string' && Object.hasOwn(apiContract, method);

/**
 * The API the preload exposes as `window.clawdesk`: three functions, never ipcRenderer itself.
 * Commands go over `invoke` on the contract's channels (main validates the sender and the
 * params); events come over the MessagePort main hands us after each page load; "open this
 * task" requests (notification clicks) come on OPEN_TASK_CHANNEL, a bare task id.
 */
export function createPreloadApi(ipc: PreloadIpc): PreloadApi {
  const listeners = new Set<(event: TaskEvent) => void>();
  const openTaskListeners = new Set<(taskId: string) => void>();
  let pendingOpen: string | null = null;
  let port: RendererPort | null = null;

  ipc.on(OPEN_TASK_CHANNEL, (_event, taskId: unknown) => {
    if (!isTaskId(taskId)) return;
    if (openTaskListeners.size === 0) pendingOpen = taskId;
    for (const listener of openTaskListeners) listener(taskId);
  });

  // Listen from the start: the port may arrive before the page subscribes.
  ipc.on(EVENT_PORT_CHANNEL, (event) => {
    const next = event.ports[0] as unknown as RendererPort | undefined;
    if (!next) return;
    port?.close();
    port = next;
    // Setting onmessage also starts the port.
    port.onmessage = (message) => deliver(message.data, listeners);
  });

  return {
    invoke: <M extends ApiMethod>(method: M, params: ApiParams<M>) =>
      invoke(ipc, method, params) as Promise<ApiResult<M>>,
    onEvent(listener) {
      if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
      // A wrapper per call: unsubscribing removes exactly this subscription.
      const entry = (event: TaskEvent): void => listener(event);
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
    onOpenTask(listener) {
      if (typeof listener !== 'function') throw new TypeError('onOpenTask needs a function');
      const entry = (taskId: string): void => listener(taskId);
      openTaskListeners.add(entry);
      if (pendingOpen !== null) {
        const taskId = pendingOpen;
        pendingOpen = null;
        entry(taskId);
      }
      return () => {
        openTaskListeners.delete(entry);
      };
    },
  };
}

async function invoke(ipc: PreloadIpc, method: unknown, params: unknown): Promise<unknown> {
  if (!isApiMethod(method)) {
    const name = String(method).slice(0, 100);
    // Rejections carry plain data on purpose (see ApiCallErrorData).
    throw callError({ code: 'unknown_method', message: `unknown method "${name}"` });
  }
  let outcome: unknown;
  try {
    outcome = await ipc.invoke(ipcChannel(method), params);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw callError({
      code: 'internal',
      message: `${method}: ClawDesk did not answer (${reason})`,
    });
  }
  return unwrap(method, outcome);
}

/** An ApiOutcome from main: its result, or its error as ApiCallErrorData. */
function unwrap(method: ApiMethod, outcome: unknown): unknown {
  if (typeof outcome === 'object' && outcome !== null && 'ok' in outcome) {
    if (outcome.ok === true && 'result' in outcome) return outcome.result;
    if (outcome.ok === false && 'error' in outcome) {
      const error = ApiErrorSchema.safeParse(outcome.error);
      if (error.success) throw callError(error.data);
    }
  }
  throw callError({ code: 'internal', message: `${method}: ClawDesk sent a malformed answer` });
}

/** One port message is a batch (TaskEvent[]); each event is parsed before anyone sees it. */
function deliver(data: unknown, listeners: Set<(event: TaskEvent) => void>): void {
  if (!Array.isArray(data)) {
    console.warn('ClawDesk: ignored an event message that is not a batch');
    return;
  }
  for (const item of data) {
    const parsed = TaskEventSchema.safeParse(item);
    if (!parsed.success) {
      console.warn('ClawDesk: ignored a malformed event', parsed.error.issues);
      continue;
    }
    for (const listener of listeners) {
      try {
        listener(parsed.data);
      } catch (err) {
        // One failing subscriber must not starve the others.
        console.error('ClawDesk: an event listener threw', err);
      }
    }
  }
}
