import type { ApiMethod, ApiParams, ApiResult, TaskEvent } from '../../src/shared/ipc-contract.ts';
import type { ConversationView, TaskView } from '../../src/shared/task.ts';
import type { UpstreamStatus } from '../../src/shared/upstream.ts';
import type { ConnectionStatus, RendererApi } from '../../src/renderer/src/api/types.ts';

/** Fixtures and a hand-driven API for the renderer's store under Node, without a browser. */

export const conversation = (id: string, updatedAt = 1): ConversationView => ({
  id,
  title: `title ${id}`,
  createdAt: 1,
  updatedAt,
});

export const task = (id: string, patch: Partial<TaskView> = {}): TaskView => ({
  id,
  conversationId: 'c1',
  lane: 'interactive',
  state: 'running',
  prompt: `prompt ${id}`,
  output: '',
  error: null,
  attempts: 1,
  maxAttempts: 3,
  createdAt: 10,
  updatedAt: 10,
  finishedAt: null,
  ...patch,
});

export const delta = (taskId: string, offset: number, text: string): TaskEvent => ({
  type: 'delta',
  taskId,
  conversationId: 'c1',
  offset,
  text,
});

/** The NVIDIA-like defaults, idle; `patch` overrides parts of it. */
export const upstreamStatus = (
  limiter: Partial<UpstreamStatus['limiter']> = {},
  rest: Partial<Omit<UpstreamStatus, 'limiter'>> = {},
): UpstreamStatus => ({
  limiter: {
    startsInWindow: 0,
    perWindow: 40,
    windowMs: 60_000,
    running: 0,
    maxConcurrent: 5,
    waiting: 0,
    pausedUntil: null,
    ...limiter,
  },
  breaker: { state: 'closed', consecutiveFailures: 0, openedAt: null, retryAt: null },
  gateway: {
    state: 'up',
    origin: 'http://127.0.0.1:18790',
    since: null,
    nextProbeAt: null,
    reason: null,
  },
  auth: { state: 'ok', retryAt: null },
  ...rest,
});

type Answers = {
  [M in ApiMethod]?: (params: ApiParams<M>) => ApiResult<M> | Promise<ApiResult<M>>;
};

/** A RendererApi whose answers and events the test controls; an answer may throw to refuse. */
export function scriptedApi(answers: Answers) {
  const calls: Array<{ method: ApiMethod; params: unknown }> = [];
  const listeners = { event: new Set<(e: TaskEvent) => void>(), resync: new Set<() => void>() };
  const api: RendererApi = {
    invoke<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
      calls.push({ method, params });
      const answer = answers[method] as Answers[M] | undefined;
      if (!answer) return Promise.reject(new Error(`no ${method}`));
      return new Promise((resolve) => resolve(answer(params)));
    },
    onEvent: (listener) => (listeners.event.add(listener), () => listeners.event.delete(listener)),
    onStatus: (listener: (status: ConnectionStatus) => void) => (listener('online'), () => {}),
    onResync: (listener) => (
      listeners.resync.add(listener),
      () => listeners.resync.delete(listener)
    ),
  };
  const emit = (event: TaskEvent): void => listeners.event.forEach((l) => l(event));
  const resync = (): void => listeners.resync.forEach((l) => l());
  /** The methods called so far, in order, leaving out the ones in `except`. */
  const methods = (...except: ApiMethod[]): ApiMethod[] =>
    calls.map((c) => c.method).filter((m) => !except.includes(m));
  return { api, calls, emit, resync, methods };
}

/** Frames run only when the test says so. */
export function manualFrames() {
  const pending = new Set<() => void>();
  return {
    schedule: (run: () => void) => (pending.add(run), () => pending.delete(run)),
    frame: () => [...pending].forEach((run) => run()),
  };
}

/** Lets resolved promises run their callbacks. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
