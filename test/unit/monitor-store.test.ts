/**
 * The task monitor's store under Node: rows kept live from events, filters, one update per
 * frame, actions and the detail pane, against a scripted API.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { TaskSummary } from '../../src/shared/monitor.ts';
import {
  applyMonitorBatch,
  emptyFilter,
  emptyMonitorData,
  summarize,
  titleOf,
  type MonitorFilter,
} from '../../src/renderer/src/monitor/monitor-apply.ts';
import { createMonitorStore } from '../../src/renderer/src/monitor/monitor-store.ts';
import {
  delta,
  manualFrames,
  scriptedApi,
  settle,
  task,
  upstreamStatus,
} from '../helpers/renderer-scripted-api.ts';

const row = (id: string, createdAt: number, patch: Partial<TaskSummary> = {}): TaskSummary => ({
  ...summarize(task(id, { createdAt, updatedAt: createdAt })),
  ...patch,
});

const filter = (patch: Partial<MonitorFilter> = {}): MonitorFilter => ({
  ...emptyFilter(),
  ...patch,
});

const listed = () =>
  applyMonitorBatch(
    emptyMonitorData(),
    [{ type: 'list', tasks: [row('t3', 30), row('t2', 20), row('t1', 10)], total: 3 }],
    filter(),
  );

describe('applyMonitorBatch', () => {
  test('a new task goes in front, an older one in its place; the total follows', () => {
    const data = applyMonitorBatch(
      listed(),
      [
        { type: 'task', task: task('t9', { createdAt: 90, updatedAt: 90 }) },
        { type: 'task', task: task('t0', { createdAt: 15, updatedAt: 15 }) },
      ],
      filter(),
    );
    expect(data.ids).toEqual(['t9', 't3', 't2', 't0', 't1']);
    expect(data.total).toBe(5);
  });

  test('deltas count characters and end the waiting phase', () => {
    const waiting = applyMonitorBatch(
      listed(),
      [{ type: 'task', task: task('t2', { updatedAt: 25, phase: 'thinking' }) }],
      filter(),
    );
    expect(waiting.rows.get('t2')?.phase).toBe('thinking');
    const [t1, version] = [waiting.rows.get('t1'), waiting.version];
    const data = applyMonitorBatch(
      waiting,
      [delta('t2', 0, 'Hello'), delta('t2', 3, 'lo!')],
      filter(),
    );
    expect(data.rows.get('t2')?.outputChars).toBe(6);
    expect(data.rows.get('t2')?.phase).toBeUndefined();
    // Untouched rows keep their identity, so their table rows do not re-render.
    expect(data.rows.get('t1')).toBe(t1);
    expect(data.version).toBe(version + 1);
  });

  test('under a state filter, a task that leaves the state leaves the list', () => {
    const running = filter({ states: ['running'] });
    const data = applyMonitorBatch(
      listed(),
      [
        { type: 'task', task: task('t3', { state: 'succeeded', updatedAt: 40, finishedAt: 40 }) },
        { type: 'task', task: task('t8', { state: 'queued', createdAt: 80, updatedAt: 80 }) },
      ],
      running,
    );
    expect(data.ids).toEqual(['t2', 't1']);
    expect(data.total).toBe(2);
    // Running again (a retry): back in its place.
    const back = applyMonitorBatch(
      data,
      [{ type: 'task', task: task('t3', { state: 'running', updatedAt: 50, createdAt: 30 }) }],
      running,
    );
    expect(back.ids).toEqual(['t3', 't2', 't1']);
  });

  test('a search keeps new tasks whose title matches', () => {
    const search = filter({ search: 'REPORT' });
    const data = applyMonitorBatch(
      listed(),
      [
        { type: 'task', task: task('t7', { prompt: 'Write the report\nlong', createdAt: 70 }) },
        { type: 'task', task: task('t6', { prompt: 'Something else', createdAt: 60 }) },
      ],
      search,
    );
    expect(data.ids[0]).toBe('t7');
    expect(data.rows.get('t7')?.title).toBe('Write the report');
    expect(data.rows.get('t6')).toBeUndefined();
  });

  test('an older snapshot does not undo a newer row', () => {
    const done = applyMonitorBatch(
      listed(),
      [{ type: 'task', task: task('t1', { state: 'succeeded', updatedAt: 50 }) }],
      filter(),
    );
    const data = applyMonitorBatch(
      done,
      [{ type: 'task', task: task('t1', { state: 'running', updatedAt: 20 }) }],
      filter(),
    );
    expect(data.rows.get('t1')?.state).toBe('succeeded');
  });

  test('the detail streams its output, dropping overlaps and waiting out gaps', () => {
    const open = applyMonitorBatch(
      listed(),
      [{ type: 'detail', task: task('t2', { output: 'Hel', updatedAt: 20 }) }],
      filter(),
    );
    const data = applyMonitorBatch(
      open,
      [delta('t2', 2, 'llo'), delta('t2', 9, 'gap'), delta('t1', 0, 'other')],
      filter(),
    );
    expect(data.detail?.output).toBe('Hello');
    expect(data.upstream).toBeNull();
  });

  test('titles are the first line, cut to 160 characters', () => {
    expect(titleOf('  first\nsecond')).toBe('first');
    expect(titleOf('x'.repeat(300))).toHaveLength(160);
  });
});

describe('monitor store', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const setup = () => {
    const scripted = scriptedApi({
      'tasks.list': (params) => {
        const done = { state: 'succeeded' } as const;
        const all = [row('t3', 30), row('t2', 20, done), row('t1', 10, done)];
        const tasks = all.filter((t) => !params.states || params.states.includes(t.state));
        return { tasks, total: tasks.length };
      },
      'tasks.get': ({ taskId }) => task(taskId, { output: 'so far' }),
      'tasks.pause': ({ taskId }) => task(taskId, { state: 'paused', updatedAt: 99 }),
      'tasks.pauseAll': () => ({ count: 2 }),
      'tasks.resume': () => {
        throw new Error('cannot resume a running task');
      },
      'upstream.status': () => upstreamStatus({ startsInWindow: 7 }),
      'system.resources': () => ({
        main: { rssBytes: 1, heapUsedBytes: 1, cpuPercent: 1 },
        workers: [],
        disk: { path: '/data', freeBytes: 1, totalBytes: 2 },
        lowDisk: true,
        alerts: [{ kind: 'disk', valueBytes: 1, limitBytes: 2 ** 30, path: '/data', since: 1 }],
      }),
    });
    const frames = manualFrames();
    const store = createMonitorStore(scripted.api, frames.schedule);
    return { ...scripted, frames, store };
  };

  test('does nothing until activated, then loads rows, limiter and resources', async () => {
    const { store, methods } = setup();
    await settle();
    expect(methods()).toEqual([]);
    const stop = store.getState().activate();
    await settle();
    expect(store.getState().ids).toEqual(['t3', 't2', 't1']);
    expect(store.getState().resources?.lowDisk).toBe(true);
    expect(methods().sort()).toEqual(['system.resources', 'tasks.list', 'upstream.status']);
    stop();
  });

  test('a burst of events is one update per frame; none after stopping', async () => {
    const { store, emit, frames } = setup();
    const stop = store.getState().activate();
    await settle();
    frames.frame();
    let updates = 0;
    const unsubscribe = store.subscribe(() => updates++);
    for (let i = 0; i < 100; i++) emit(delta('t3', i, 'x'));
    expect(updates).toBe(0);
    frames.frame();
    expect(updates).toBe(1);
    expect(store.getState().rows.get('t3')?.outputChars).toBe(100);
    stop();
    emit(delta('t3', 100, 'more'));
    frames.frame();
    expect(store.getState().rows.get('t3')?.outputChars).toBe(100);
    unsubscribe();
  });

  test('a filter change asks the server again with the filter', async () => {
    const { store, calls } = setup();
    const stop = store.getState().activate();
    await settle();
    store.getState().setFilter({ states: ['running'], search: ' alpha ' });
    await settle();
    expect(calls.at(-1)).toEqual({
      method: 'tasks.list',
      params: { states: ['running'], search: 'alpha', limit: 10_000 },
    });
    expect(store.getState().ids).toEqual(['t3']);
    stop();
  });

  test('selecting loads the task whole; actions show at once; refusals become the notice', async () => {
    const { store } = setup();
    const stop = store.getState().activate();
    await settle();
    store.getState().select('t2');
    await settle();
    expect(store.getState().detail?.output).toBe('so far');
    await store.getState().act('pause', 't2');
    expect(store.getState().detail?.state).toBe('paused');
    expect(store.getState().rows.get('t2')?.state).toBe('paused');
    await store.getState().act('resume', 't3');
    expect(store.getState().notice).toMatch(/cannot resume/);
    expect(await store.getState().bulk('pauseAll')).toBe(2);
    stop();
  });

  test('the limiter chart samples the window once a tick, keeping the last minute', async () => {
    vi.useFakeTimers();
    const { store, frames } = setup();
    const stop = store.getState().activate({ sampleMs: 1_000 });
    await vi.advanceTimersByTimeAsync(0);
    frames.frame();
    await vi.advanceTimersByTimeAsync(65_000);
    const { samples } = store.getState();
    expect(samples).toHaveLength(60);
    expect(samples.every((s) => s === 7)).toBe(true);
    stop();
  });
});
