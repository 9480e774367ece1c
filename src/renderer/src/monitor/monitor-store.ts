import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Resources } from '../../../shared/monitor.ts';
import type { RendererApi } from '../api/types.ts';
import { createFrameQueue, type FrameQueue, type Scheduler } from '../store/frame-queue.ts';
import {
  applyMonitorBatch,
  emptyFilter,
  emptyMonitorData,
  SAMPLE_COUNT,
  type MonitorData,
  type MonitorFilter,
  type MonitorIncoming,
} from './monitor-apply.ts';

export type MonitorAction = 'pause' | 'resume' | 'cancel' | 'retry';

const ACTION_METHOD = {
  pause: 'tasks.pause',
  resume: 'tasks.resume',
  cancel: 'tasks.cancel',
  retry: 'tasks.retry',
} as const;

/** The most rows one load asks for: the queue's own limit. */
export const LIST_LIMIT = 10_000;

export interface MonitorState extends MonitorData {
  filter: MonitorFilter;
  selectedId: string | null;
  /** A list load is on its way. */
  loading: boolean;
  /** The last refusal or failure, in words, until dismissed. */
  notice: string | null;
  resources: Resources | null;
  /** startsInWindow, one sample a second while the monitor is on screen (oldest first). */
  samples: number[];
  setFilter(patch: Partial<MonitorFilter>): void;
  select(taskId: string | null): void;
  act(action: MonitorAction, taskId: string): Promise<void>;
  /** Resolves how many tasks changed, or null when refused. */
  bulk(action: 'pauseAll' | 'resumeAll'): Promise<number | null>;
  refreshResources(): Promise<void>;
  dismissNotice(): void;
  /**
   * Starts listening (events, limiter samples, resource polling) and loads the list; returns
   * the stop function. Off screen the monitor does no work at all.
   */
  activate(options?: { sampleMs?: number; resourcesMs?: number }): () => void;
}

export type MonitorStore = StoreApi<MonitorState>;

const describe = (error: unknown): string =>
  error instanceof Error ? error.message : 'unknown error';

/**
 * What the monitor's parts share: the store's set/get, the event queue (made after the store,
 * read when a part runs), whether the monitor is on screen, and which answers still count.
 */
interface MonitorContext {
  api: RendererApi;
  set: MonitorStore['setState'];
  get: MonitorStore['getState'];
  queue: FrameQueue<MonitorIncoming>;
  /** Screens showing the monitor; at 0 it loads nothing. */
  active: number;
  /** Only the answer to the latest list or detail request counts. */
  listAsked: number;
  detailAsked: number;
}

/**
 * The task monitor's state and the only code that talks to the API on its behalf. Events are
 * applied once per frame (`schedule`), like the chat's, however many tasks stream.
 */
export function createMonitorStore(api: RendererApi, schedule: Scheduler): MonitorStore {
  // Completed below, once the store exists: the parts only read it when they run.
  const ctx = { api, active: 0, listAsked: 0, detailAsked: 0 } as MonitorContext;
  const loads = monitorLoads(ctx);
  const store = createStore<MonitorState>()((set, get) => {
    ctx.set = set;
    ctx.get = get;
    return {
      ...emptyMonitorData(),
      filter: emptyFilter(),
      selectedId: null,
      loading: false,
      notice: null,
      resources: null,
      samples: [],
      setFilter(patch) {
        set({ filter: { ...get().filter, ...patch } });
        loads.list();
      },
      select(taskId) {
        if (taskId === get().selectedId) return;
        set({ selectedId: taskId, detail: null });
        loads.detail();
      },
      ...monitorActions(ctx),
      dismissNotice: () => set({ notice: null }),
      activate: (options = {}) => activate(ctx, loads, options),
    };
  });
  ctx.queue = createFrameQueue<MonitorIncoming>((items) => {
    const state = ctx.get();
    ctx.set(applyMonitorBatch(state, items, state.filter));
  }, schedule);
  return store;
}

/** Task actions, the bulk pause and resume, and the resource reading. */
function monitorActions(
  ctx: MonitorContext,
): Pick<MonitorState, 'act' | 'bulk' | 'refreshResources'> {
  const { api } = ctx;
  return {
    async act(action, taskId) {
      try {
        const task = await api.invoke(ACTION_METHOD[action], { taskId });
        ctx.queue.push({ type: 'task', task });
        // A click deserves an answer on screen now, not a frame later.
        ctx.queue.flushNow();
      } catch (error) {
        ctx.set({ notice: `${action}: ${describe(error)}` });
      }
    },
    async bulk(action) {
      try {
        const { count } = await api.invoke(`tasks.${action}`, {});
        return count;
      } catch (error) {
        ctx.set({ notice: `${action}: ${describe(error)}` });
        return null;
      }
    },
    async refreshResources() {
      try {
        ctx.set({ resources: await api.invoke('system.resources', {}) });
      } catch {
        // Polled again in a few seconds; a lost connection shows in the status line.
      }
    },
  };
}

type Loads = ReturnType<typeof monitorLoads>;

/** Listening, sampling and polling while on screen; returns the stop function. */
function activate(
  ctx: MonitorContext,
  loads: Loads,
  options: { sampleMs?: number; resourcesMs?: number },
): () => void {
  const { api, get } = ctx;
  ctx.active += 1;
  const stops: Array<() => void> = [
    api.onEvent((event) => {
      if (event.type === 'task' || event.type === 'delta' || event.type === 'upstream') {
        ctx.queue.push(event);
      } else if (event.type === 'resources') {
        // An alert began or ended: show it now rather than at the next poll.
        void get().refreshResources();
      }
    }),
    api.onResync(() => {
      loads.list();
      loads.detail();
      loads.upstream();
    }),
  ];
  const sampler = setInterval(loads.sample, options.sampleMs ?? 1_000);
  const poller = setInterval(() => void get().refreshResources(), options.resourcesMs ?? 3_000);
  loads.list();
  loads.detail();
  loads.upstream();
  void get().refreshResources();
  return () => {
    ctx.active -= 1;
    clearInterval(sampler);
    clearInterval(poller);
    for (const stop of stops) stop();
  };
}

/** The list under the filter, up to LIST_LIMIT rows; only the latest answer counts. */
function loadList(ctx: MonitorContext): void {
  if (ctx.active === 0) return;
  const asked = ++ctx.listAsked;
  const { states, lanes, agents, search } = ctx.get().filter;
  ctx.set({ loading: true });
  ctx.api
    .invoke('tasks.list', {
      ...(states.length > 0 && { states }),
      ...(lanes.length > 0 && { lanes }),
      ...(agents.length > 0 && { agents }),
      ...(search.trim() && { search: search.trim() }),
      limit: LIST_LIMIT,
    })
    .then(({ tasks, total }) => {
      if (asked !== ctx.listAsked) return;
      // Through the queue, so events received before the answer are applied first.
      ctx.queue.push({ type: 'list', tasks, total });
      ctx.queue.flushNow();
      ctx.set({ loading: false });
    })
    .catch((error: unknown) => {
      if (asked === ctx.listAsked) {
        ctx.set({ loading: false, notice: `Could not load tasks: ${describe(error)}` });
      }
    });
}

/** The list (with the filter), the open task, the limiter status and its samples. */
function monitorLoads(ctx: MonitorContext) {
  const { api } = ctx;
  return {
    sample(): void {
      const { upstream, samples } = ctx.get();
      if (!upstream) return;
      const next = [...samples, upstream.limiter.startsInWindow];
      ctx.set({ samples: next.length > SAMPLE_COUNT ? next.slice(-SAMPLE_COUNT) : next });
    },
    list: () => loadList(ctx),
    detail(): void {
      const asked = ++ctx.detailAsked;
      const taskId = ctx.get().selectedId;
      if (taskId === null || ctx.active === 0) return;
      api
        .invoke('tasks.get', { taskId })
        .then((task) => {
          if (asked !== ctx.detailAsked || ctx.get().selectedId !== task.id) return;
          ctx.queue.push({ type: 'detail', task });
          ctx.queue.flushNow();
        })
        .catch((error: unknown) => {
          if (asked !== ctx.detailAsked) return;
          ctx.set({ notice: `Could not open task: ${describe(error)}` });
        });
    },
    upstream(): void {
      api
        .invoke('upstream.status', {})
        .then((status) => ctx.queue.push({ type: 'upstream', status }))
        .catch(() => {
          // The next `upstream` event brings it anyway.
        });
    },
  };
}
