import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import type { TaskEvent } from '../../src/shared/ipc-contract.ts';
import type { StorageProblem } from '../../src/shared/storage.ts';
import type { ResourceAlert, TaskSummary } from '../../src/shared/monitor.ts';
import type { TaskView } from '../../src/shared/task.ts';
import { taskView } from '../helpers/task-view.ts';

const h = vi.hoisted(() => ({
  trays: [] as {
    image: unknown;
    tooltip: string;
    menu: { template: MenuItemConstructorOptions[] } | null;
    setContextMenu: ReturnType<typeof vi.fn>;
    destroyed: boolean;
    emit(event: string): void;
  }[],
}));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  class Tray extends Emitter {
    image: unknown;
    tooltip = '';
    menu: unknown = null;
    destroyed = false;
    constructor(image: unknown) {
      super();
      this.image = image;
      h.trays.push(this as never);
    }
    setImage(image: unknown) {
      this.image = image;
    }
    setToolTip(text: string) {
      this.tooltip = text;
    }
    setContextMenu = vi.fn((menu: unknown) => {
      this.menu = menu;
    });
    destroy() {
      this.destroyed = true;
    }
  }
  return {
    Tray,
    Menu: { buildFromTemplate: (template: unknown) => ({ template }) },
    nativeImage: {
      createFromBuffer: (buffer: Buffer) => ({
        png: buffer,
        reps: [] as unknown[],
        addRepresentation(rep: unknown) {
          this.reps.push(rep);
        },
      }),
    },
  };
});

const { createAppTray, TRAY_REFRESH_MS, MENU_TASKS } =
  await import('../../src/main/electron/tray.ts');
const { trayIconPngs } = await import('../../src/main/electron/tray-icons.ts');

function view(id: string, state: TaskView['state'], extra: Partial<TaskView> = {}): TaskView {
  return taskView(id, state, { lane: 'long', prompt: `Task ${id}\nmore lines`, ...extra });
}

function summary(id: string, state: TaskSummary['state']): TaskSummary {
  return {
    id,
    conversationId: 'c1',
    lane: 'short',
    state,
    title: `Listed ${id}`,
    attempts: 0,
    maxAttempts: 3,
    outputChars: 0,
    error: null,
    createdAt: 1,
    startedAt: null,
    updatedAt: 1,
    finishedAt: null,
  };
}

const FULL: StorageProblem = {
  kind: 'full',
  folder: '/home/me/.clawdesk',
  code: 'SQLITE_FULL',
  message: 'cannot save: the disk holding /home/me/.clawdesk is full',
  since: 1,
  restartNeeded: false,
};

function fakeCore(listed: TaskSummary[] = [], atStart: StorageProblem | null = null) {
  const emitter = new EventEmitter();
  return {
    emit: (event: TaskEvent) => emitter.emit('event', event),
    onEvent: vi.fn((listener: (event: TaskEvent) => void) => {
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    }),
    dispatch: vi.fn(async (method: string) =>
      method === 'tasks.list'
        ? { ok: true as const, result: { tasks: listed, total: listed.length } }
        : method === 'storage.status'
          ? { ok: true as const, result: { problem: atStart } }
          : { ok: true as const, result: { count: 2 } },
    ),
  };
}

function start(core = fakeCore()) {
  const actions = { showWindow: vi.fn(), openTask: vi.fn(), quit: vi.fn() };
  const tray = createAppTray({ core, ...actions, log: vi.fn() });
  return { core, tray, actions, native: h.trays.at(-1)! };
}

const iconOf = (native: (typeof h.trays)[number]) => (native.image as { png: Buffer }).png;
const labels = (native: (typeof h.trays)[number]) => native.menu!.template.map((i) => i.label);
const item = (native: (typeof h.trays)[number], id: string) =>
  native.menu!.template.find((i) => i.id === id)!;

beforeEach(() => {
  vi.useFakeTimers();
  h.trays.length = 0;
});
afterEach(() => vi.useRealTimers());

describe('tray', () => {
  it('starts idle, then counts from tasks.list', async () => {
    const core = fakeCore([
      summary('a', 'queued'),
      summary('b', 'queued'),
      summary('c', 'running'),
    ]);
    const { native } = start(core);
    expect(iconOf(native).equals(trayIconPngs('idle').x1)).toBe(true);
    expect(native.tooltip).toBe('ClawDesk — idle');
    expect(core.dispatch).toHaveBeenCalledWith('tasks.list', {
      states: ['queued', 'running', 'paused', 'interrupted'],
      limit: 10_000,
    });
    await vi.advanceTimersByTimeAsync(TRAY_REFRESH_MS);
    expect(native.tooltip).toBe('ClawDesk — 1 running, 2 queued');
    expect(iconOf(native).equals(trayIconPngs('running').x1)).toBe(true);
    expect(labels(native)).toContain('Listed c — 0 chars');
  });

  it('follows task events: running with progress, then error after a failure', async () => {
    const { core, native, actions, tray } = start();
    await vi.advanceTimersByTimeAsync(0);
    core.emit({ type: 'task', task: view('t1', 'queued') });
    core.emit({ type: 'task', task: view('t2', 'queued') });
    core.emit({ type: 'task', task: view('t1', 'running', { output: 'abc' }) });
    core.emit({ type: 'delta', taskId: 't1', conversationId: 'c1', offset: 3, text: 'defg' });
    core.emit({ type: 'task', task: view('t2', 'running', { phase: 'waiting_for_rate_limit' }) });
    await vi.advanceTimersByTimeAsync(TRAY_REFRESH_MS);
    expect(native.tooltip).toBe('ClawDesk — 2 running, 0 queued');
    expect(labels(native)).toEqual(
      expect.arrayContaining(['Task t1 — 7 chars', 'Task t2 — Waiting for the rate limit…']),
    );
    item(native, 'task:t1').click!({} as never, undefined, {} as never);
    expect(actions.openTask).toHaveBeenCalledWith('t1');

    core.emit({ type: 'task', task: view('t1', 'succeeded') });
    core.emit({
      type: 'task',
      task: view('t2', 'failed', { error: { code: 'upstream_error', message: 'boom' } }),
    });
    await vi.advanceTimersByTimeAsync(TRAY_REFRESH_MS);
    expect(native.tooltip).toBe('ClawDesk — idle');
    expect(labels(native)).toContain('No tasks running');
    expect(iconOf(native).equals(trayIconPngs('error').x1)).toBe(true);

    tray.acknowledge(); // the user opened the window
    await vi.advanceTimersByTimeAsync(TRAY_REFRESH_MS);
    expect(iconOf(native).equals(trayIconPngs('idle').x1)).toBe(true);
  });

  it('shows the error icon while the gateway refuses the token', async () => {
    const { core, native } = start();
    const status = {
      limiter: {
        startsInWindow: 0,
        perWindow: 10,
        windowMs: 60_000,
        running: 0,
        maxConcurrent: 2,
        waiting: 0,
        pausedUntil: null,
      },
      breaker: { state: 'closed' as const, consecutiveFailures: 0, openedAt: null, retryAt: null },
      gateway: { state: 'up' as const, origin: '', since: null, nextProbeAt: null, reason: null },
      auth: { state: 'rejected' as const, retryAt: 5 },
    };
    core.emit({ type: 'upstream', status });
    await vi.advanceTimersByTimeAsync(TRAY_REFRESH_MS);
    expect(iconOf(native).equals(trayIconPngs('error').x1)).toBe(true);
    core.emit({ type: 'upstream', status: { ...status, auth: { state: 'ok', retryAt: null } } });
    await vi.advanceTimersByTimeAsync(TRAY_REFRESH_MS);
    expect(iconOf(native).equals(trayIconPngs('idle').x1)).toBe(true);
  });

  it('while ClawDesk cannot save: error icon, says so, and the line opens the window', async () => {
    const { core, native, actions } = start();
    core.emit({ type: 'storage', problem: FULL });
    await vi.advanceTimersByTimeAsync(TRAY_REFRESH_MS);
    expect(iconOf(native).equals(trayIconPngs('error').x1)).toBe(true);
    expect(native.tooltip).toBe('ClawDesk — Cannot save — open ClawDesk to see why');
    item(native, 'cannot-save').click!({} as never, undefined, {} as never);
    expect(actions.showWindow).toHaveBeenCalled();
    core.emit({ type: 'storage', problem: null });
    await vi.advanceTimersByTimeAsync(TRAY_REFRESH_MS);
    expect(iconOf(native).equals(trayIconPngs('idle').x1)).toBe(true);
    expect(native.tooltip).toBe('ClawDesk — idle');
    expect(native.menu!.template.some((i) => i.id === 'cannot-save')).toBe(false);
  });

  it('while the guard raises an alert (issue 13): error icon, a line per alert, until it ends', async () => {
    const MB = 1024 * 1024;
    const memory: ResourceAlert = {
      kind: 'memory',
      valueBytes: 612 * MB,
      limitBytes: 500 * MB,
      path: '/home/me/.clawdesk',
      since: 1,
    };
    const disk: ResourceAlert = {
      ...memory,
      kind: 'disk',
      valueBytes: 300 * MB,
      limitBytes: 1024 * MB,
    };
    const { core, native, actions } = start();
    core.emit({ type: 'resources', alerts: [memory, disk] });
    await vi.advanceTimersByTimeAsync(TRAY_REFRESH_MS);
    expect(iconOf(native).equals(trayIconPngs('error').x1)).toBe(true);
    expect(native.tooltip).toBe(
      'ClawDesk — Memory high: 612 MB (limit 500 MB); Low disk space: 300 MB free',
    );
    expect(labels(native).slice(0, 2)).toEqual([
      'Memory high: 612 MB (limit 500 MB)',
      'Low disk space: 300 MB free',
    ]);
    item(native, 'alert:disk').click!({} as never, undefined, {} as never);
    expect(actions.showWindow).toHaveBeenCalled();
    core.emit({ type: 'resources', alerts: [] });
    await vi.advanceTimersByTimeAsync(TRAY_REFRESH_MS);
    expect(iconOf(native).equals(trayIconPngs('idle').x1)).toBe(true);
    expect(native.tooltip).toBe('ClawDesk — idle');
    expect(native.menu!.template.some((i) => i.id?.startsWith('alert:'))).toBe(false);
  });

  it('asks once for a storage problem found at start-up; a later event wins', async () => {
    const { native } = start(fakeCore([], FULL));
    await vi.advanceTimersByTimeAsync(TRAY_REFRESH_MS);
    expect(iconOf(native).equals(trayIconPngs('error').x1)).toBe(true);

    const core = fakeCore([], FULL);
    const second = start(core);
    core.emit({ type: 'storage', problem: null }); // newer than the answer still on its way
    await vi.advanceTimersByTimeAsync(TRAY_REFRESH_MS);
    expect(iconOf(second.native).equals(trayIconPngs('idle').x1)).toBe(true);
  });

  it('rebuilds the menu at most twice a second however fast events come', async () => {
    const { core, native } = start();
    await vi.advanceTimersByTimeAsync(TRAY_REFRESH_MS);
    const before = native.setContextMenu.mock.calls.length;
    core.emit({ type: 'task', task: view('t1', 'running') });
    for (let i = 0; i < 1000; i += 1) {
      core.emit({ type: 'delta', taskId: 't1', conversationId: 'c1', offset: i, text: 'x' });
      await vi.advanceTimersByTimeAsync(1);
    }
    const rebuilt = native.setContextMenu.mock.calls.length - before;
    expect(rebuilt).toBeGreaterThanOrEqual(1);
    expect(rebuilt).toBeLessThanOrEqual(3);
    await vi.advanceTimersByTimeAsync(TRAY_REFRESH_MS);
    expect(labels(native)).toContain('Task t1 — 1,000 chars');
  });

  it('lists at most MENU_TASKS running tasks and counts the rest', async () => {
    const { core, native } = start();
    for (let i = 0; i < MENU_TASKS + 3; i += 1) {
      core.emit({ type: 'task', task: view(`r${i}`, 'running') });
    }
    await vi.advanceTimersByTimeAsync(TRAY_REFRESH_MS);
    const tasks = native.menu!.template.filter((i) => i.id?.startsWith('task:'));
    expect(tasks).toHaveLength(MENU_TASKS);
    expect(labels(native)).toContain('…and 3 more running');
  });

  it('lets events win over an older tasks.list answer', async () => {
    const core = fakeCore([summary('a', 'running')]);
    const { native } = start(core);
    core.emit({ type: 'task', task: view('a', 'succeeded') });
    await vi.advanceTimersByTimeAsync(TRAY_REFRESH_MS);
    expect(native.tooltip).toBe('ClawDesk — idle');
  });

  it('Pause all, Resume all, Open and Quit do what they say', async () => {
    const { core, native, actions } = start();
    await vi.advanceTimersByTimeAsync(TRAY_REFRESH_MS);
    item(native, 'pause-all').click!({} as never, undefined, {} as never);
    expect(core.dispatch).toHaveBeenCalledWith('tasks.pauseAll', {});
    item(native, 'resume-all').click!({} as never, undefined, {} as never);
    expect(core.dispatch).toHaveBeenCalledWith('tasks.resumeAll', {});
    item(native, 'open').click!({} as never, undefined, {} as never);
    expect(actions.showWindow).toHaveBeenCalledOnce();
    item(native, 'quit').click!({} as never, undefined, {} as never);
    expect(actions.quit).toHaveBeenCalledOnce();
    native.emit('click');
    expect(actions.showWindow).toHaveBeenCalledTimes(2);
  });

  it('on macOS a click on the icon opens the menu, not the window', () => {
    const showWindow = vi.fn();
    createAppTray({
      core: fakeCore(),
      showWindow,
      openTask: vi.fn(),
      quit: vi.fn(),
      platform: 'darwin',
    });
    h.trays.at(-1)!.emit('click');
    expect(showWindow).not.toHaveBeenCalled();
  });

  it('stops listening when destroyed', async () => {
    const { core, native, tray } = start();
    tray.destroy();
    expect(native.destroyed).toBe(true);
    core.emit({ type: 'task', task: view('t1', 'running') });
    await vi.advanceTimersByTimeAsync(TRAY_REFRESH_MS);
    expect(native.tooltip).toBe('ClawDesk — idle');
  });
});

describe('tray language', () => {
  it('speaks the language of the settings, and redraws when it changes', async () => {
    const { followShellLanguage } = await import('../../src/main/electron/shell-texts.ts');
    const core = fakeCore();
    core.dispatch.mockImplementation(async (method: string) =>
      method === 'settings.get'
        ? ({ ok: true, result: { language: 'system' } } as never)
        : { ok: true as const, result: { tasks: [], total: 0 } },
    );
    const language = followShellLanguage(core, 'zh-CN');
    const tray = createAppTray({
      core,
      showWindow: vi.fn(),
      openTask: vi.fn(),
      quit: vi.fn(),
      texts: language.texts,
    });
    language.onChange(() => tray.refresh());
    const native = h.trays.at(-1)!;
    core.emit({ type: 'task', task: view('t1', 'running', { output: 'abcd' }) });
    await vi.advanceTimersByTimeAsync(TRAY_REFRESH_MS);
    expect(native.tooltip).toBe('ClawDesk — 1 个运行中，0 个排队中');
    expect(labels(native)).toEqual(expect.arrayContaining(['Task t1 — 4 字符', '全部暂停']));

    core.emit({ type: 'settings', settings: { language: 'en' } as never });
    await vi.advanceTimersByTimeAsync(TRAY_REFRESH_MS);
    expect(native.tooltip).toBe('ClawDesk — 1 running, 0 queued');
    expect(labels(native)).toContain('Pause all');
  });
});
