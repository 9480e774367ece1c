import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Resources } from '../../../shared/monitor.ts';
import type { RendererApi } from '../api/types.ts';
import { createFrameQueue, type Scheduler } from '../store/frame-queue.ts';
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
 * The task monitor's state and the only code that talks to the API on its behalf. Events are
 * applied once per frame (`schedule`), like the chat's, however many tasks stream.
 */
export function createMonitorStore(api: RendererApi, schedule: Scheduler): MonitorStore {
  /** Only the answer to the latest list or detail request counts. */
  let listAsked = 0;
  let detailAsked = 0;
  let active = 0;

  const store = createStore<MonitorState>()((set, get) => ({
    ...emptyMonitorData(),
    filter: emptyFilter(),
    selectedId: null,
    loading: false,
    notice: null,
    resources: null,
    samples: [],
    setFilter(patch) {
      set({ filter: { ...get().filter, ...patch } });
      loadList();
    },
    select(taskId) {
      if (taskId === get().selectedId) return;
      set({ selectedId: taskId, detail: null });
      loadDetail();
    },
    async act(action, taskId) {
      try {
        const task = await api.invoke(ACTION_METHOD[action], { taskId });
        queue.push({ type: 'task', task });
        // A click deserves an answer on screen now, not a frame later.
        queue.flushNow();
      } catch (error) {
        set({ notice: `${action}: ${describe(error)}` });
      }
    },
    async bulk(action) {
      try {
        const { count } = await api.invoke(`tasks.${action}`, {});
        return count;
      } catch (error) {
        set({ notice: `${action}: ${describe(error)}` });
        return null;
      }
    },
    async refreshResources() {
      try {
        set({ resources: await api.invoke('system.resources', {}) });
      } catch {
        // Polled again in a few seconds; a lost connection shows in the status line.
      }
    },
    dismissNotice() {
      set({ notice: null });
    },
    activate(options = {}) {
      active += 1;
      const stops: Array<() => void> = [
        api.onEvent((event) => {
          if (event.type === 'task' || event.type === 'delta' || event.type === 'upstream') {
            queue.push(event);
          } else if (event.type === 'resources') {
            // An alert began or ended: show it now rather than at the next poll.
            void get().refreshResources();
          }
        }),
        api.onResync(() => {
          loadList();
          loadDetail();
          loadUpstream();
        }),
      ];
      const sampler = setInterval(sample, options.sampleMs ?? 1_000);
      const poller = setInterval(() => void get().refreshResources(), options.resourcesMs ?? 3_000);
      loadList();
      loadDetail();
      loadUpstream();
      void get().refreshResources();
      return () => {
        active -= 1;
        clearInterval(sampler);
        clearInterval(poller);
        for (const stop of stops) stop();
      };
    },
  }));
  const { getState, setState } = store;

  const applyItems = (items: MonitorIncoming[]): void => {
    const state = getState();
    const data = applyMonitorBatch(state, items, state.filter);
    setState(data);
  };
  const queue = createFrameQueue<MonitorIncoming>(applyItems, schedule);

  function sample(): void {
    const { upstream, samples } = getState();
    if (!upstream) return;
    const next = [...samples, upstream.limiter.startsInWindow];
    setState({ samples: next.length > SAMPLE_COUNT ? next.slice(-SAMPLE_COUNT) : next });
  }

  function loadList(): void {
    if (active === 0) return;
    const asked = ++listAsked;
    const { states, lanes, agents, search } = getState().filter;
    setState({ loading: true });
    api
      .invoke('tasks.list', {
        ...(states.length > 0 && { states }),
        ...(lanes.length > 0 && { lanes }),
        ...(agents.length > 0 && { agents }),
        ...(search.trim() && { search: search.trim() }),
        limit: LIST_LIMIT,
      })
      .then(({ tasks, total }) => {
        if (asked !== listAsked) return;
        // Through the queue, so events received before the answer are applied first.
        queue.push({ type: 'list', tasks, total });
        queue.flushNow();
        setState({ loading: false });
      })
      .catch((error: unknown) => {
        if (asked === listAsked) {
          setState({ loading: false, notice: `Could not load tasks: ${describe(error)}` });
        }
      });
  }

  function loadDetail(): void {
    const asked = ++detailAsked;
    const taskId = getState().selectedId;
    if (taskId === null || active === 0) return;
    api
      .invoke('tasks.get', { taskId })
      .then((task) => {
        if (asked !== detailAsked || getState().selectedId !== task.id) return;
        queue.push({ type: 'detail', task });
        queue.flushNow();
      })
      .catch((error: unknown) => {
        if (asked === detailAsked) setState({ notice: `Could not open task: ${describe(error)}` });
      });
  }

  function loadUpstream(): void {
    api
      .invoke('upstream.status', {})
      .then((status) => queue.push({ type: 'upstream', status }))
      .catch(() => {
        // The next `upstream` event brings it anyway.
      });
  }

  return store;
}
