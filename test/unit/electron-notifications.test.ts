import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { NotificationConstructorOptions } from 'electron';
import type { TaskEvent } from '../../src/shared/ipc-contract.ts';
import type { ResourceAlert } from '../../src/shared/monitor.ts';
import type { SettingsView } from '../../src/shared/settings.ts';
import type { StorageProblem } from '../../src/shared/storage.ts';
import type { TaskView } from '../../src/shared/task.ts';
import {
  approvalNotice,
  startTaskNotifications,
  taskNotice,
} from '../../src/main/electron/notifications.ts';
import { taskView, waitingView } from '../helpers/task-view.ts';

/** Stands in for Electron's Notification (the module under test takes the class as a value). */
class FakeNotification extends EventEmitter {
  static shown: FakeNotification[] = [];
  static supported = true;
  static isSupported = () => FakeNotification.supported;
  readonly options: NotificationConstructorOptions;
  constructor(options: NotificationConstructorOptions) {
    super();
    this.options = options;
  }
  show() {
    FakeNotification.shown.push(this);
  }
}

function view(id: string, state: TaskView['state'], extra: Partial<TaskView> = {}): TaskView {
  return taskView(id, state, {
    lane: 'interactive',
    prompt: `Summarise ${id}\nwith details`,
    ...extra,
  });
}

/** A running view with a tool call waiting for Approve / Deny. */
function waiting(id: string, toolCallId: string, extra: Partial<TaskView> = {}): TaskView {
  return waitingView(
    id,
    { toolCallId, name: 'shell', args: '{"cmd":"ls"}' },
    {
      prompt: `Summarise ${id}\nwith details`,
      ...extra,
    },
  );
}

function settings(enabled: boolean): SettingsView {
  return { notifications: { enabled } } as SettingsView;
}

function setup(options: { focused?: boolean; enabled?: boolean } = {}) {
  const emitter = new EventEmitter();
  const core = {
    onEvent: (listener: (event: TaskEvent) => void) => {
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    },
    dispatch: vi.fn(async () => ({
      ok: true as const,
      result: settings(options.enabled ?? true),
    })),
  };
  let focused = options.focused ?? false;
  const openTask = vi.fn();
  const showWindow = vi.fn();
  const stop = startTaskNotifications({
    core,
    Notification: FakeNotification,
    isWindowFocused: () => focused,
    openTask,
    showWindow,
    log: vi.fn(),
  });
  return {
    emit: (event: TaskEvent) => emitter.emit('event', event),
    task: (task: TaskView) => emitter.emit('event', { type: 'task', task }),
    setFocused: (value: boolean) => (focused = value),
    openTask,
    showWindow,
    stop,
    core,
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => {
  FakeNotification.shown = [];
  FakeNotification.supported = true;
});

describe('task notifications', () => {
  it('says "Task finished" with the title when a task succeeds while the window is not focused', async () => {
    const s = setup();
    await tick();
    s.task(view('t1', 'running'));
    s.task(view('t1', 'succeeded'));
    expect(FakeNotification.shown).toHaveLength(1);
    expect(FakeNotification.shown[0]!.options).toEqual({
      title: 'Task finished',
      body: 'Summarise t1',
    });
  });

  it('says "Task failed" with the error message', async () => {
    const s = setup();
    await tick();
    s.task(view('t1', 'running'));
    s.task(
      view('t1', 'failed', { error: { code: 'unauthorized', message: 'The gateway refused' } }),
    );
    expect(FakeNotification.shown[0]!.options).toEqual({
      title: 'Task failed',
      body: 'Summarise t1\nThe gateway refused',
    });
  });

  it('stays quiet for chat tasks while the window is focused, not for background lanes', async () => {
    const s = setup({ focused: true });
    await tick();
    s.task(view('chat', 'succeeded'));
    expect(FakeNotification.shown).toHaveLength(0);
    s.task(view('bg1', 'succeeded', { lane: 'long' }));
    s.task(view('bg2', 'failed', { lane: 'short' }));
    expect(FakeNotification.shown).toHaveLength(2);
    s.setFocused(false);
    s.task(view('chat2', 'succeeded'));
    expect(FakeNotification.shown).toHaveLength(3);
  });

  it('notifies once per transition, not for repeated views or other states', async () => {
    const s = setup();
    await tick();
    s.task(view('t1', 'queued'));
    s.task(view('t1', 'running'));
    s.task(view('t1', 'paused'));
    s.task(view('t2', 'cancelled'));
    expect(FakeNotification.shown).toHaveLength(0);
    s.task(view('t1', 'succeeded'));
    s.task(view('t1', 'succeeded'));
    expect(FakeNotification.shown).toHaveLength(1);
    // Retried and failed again: a new transition.
    s.task(view('t1', 'queued'));
    s.task(view('t1', 'timed_out'));
    expect(FakeNotification.shown).toHaveLength(2);
    expect(FakeNotification.shown[1]!.options.title).toBe('Task failed');
  });

  it('honours the setting: at start and from settings events', async () => {
    const s = setup({ enabled: false });
    expect(s.core.dispatch).toHaveBeenCalledWith('settings.get', {});
    await tick();
    s.task(view('t1', 'succeeded'));
    expect(FakeNotification.shown).toHaveLength(0);
    s.emit({ type: 'settings', settings: settings(true) });
    s.task(view('t2', 'succeeded'));
    expect(FakeNotification.shown).toHaveLength(1);
    s.emit({ type: 'settings', settings: settings(false) });
    s.task(view('t3', 'failed'));
    expect(FakeNotification.shown).toHaveLength(1);
  });

  it('lets a settings event win over a slower settings.get answer', async () => {
    const s = setup({ enabled: true });
    s.emit({ type: 'settings', settings: settings(false) });
    await tick();
    s.task(view('t1', 'succeeded'));
    expect(FakeNotification.shown).toHaveLength(0);
  });

  it('opens the task when clicked', async () => {
    const s = setup();
    await tick();
    s.task(view('t9', 'succeeded', { lane: 'long' }));
    FakeNotification.shown[0]!.emit('click');
    expect(s.openTask).toHaveBeenCalledWith('t9');
  });

  it('does nothing where notifications are unsupported, and stops when asked', async () => {
    const s = setup();
    await tick();
    FakeNotification.supported = false;
    s.task(view('t1', 'succeeded'));
    FakeNotification.supported = true;
    s.stop();
    s.task(view('t2', 'succeeded'));
    expect(FakeNotification.shown).toHaveLength(0);
  });

  it('speaks Chinese when asked to', async () => {
    const { shellTextsFor } = await import('../../src/main/electron/shell-texts.ts');
    const zh = shellTextsFor('zh-CN', 'en-US');
    expect(taskNotice(view('x', 'succeeded'), zh)?.title).toBe('任务已完成');
    expect(taskNotice(view('x', 'timed_out'), zh)).toEqual({
      title: '任务失败',
      body: 'Summarise x\n已超时',
    });
  });

  it('cuts long titles to their first line', () => {
    const notice = taskNotice(view('x', 'succeeded', { prompt: `\n  ${'a'.repeat(500)}\nb` }));
    expect(notice!.body).toHaveLength(120);
    expect(notice!.body.endsWith('…')).toBe(true);
    expect(taskNotice(view('x', 'running'))).toBeNull();
  });

  describe('approval needed (issue 6)', () => {
    it('notifies once per pending call, not for a repeated snapshot', async () => {
      const s = setup();
      await tick();
      s.task(view('t1', 'running'));
      s.task(waiting('t1', 'call_1'));
      s.task(waiting('t1', 'call_1'));
      s.task(waiting('t1', 'call_1', { updatedAt: 2 }));
      expect(FakeNotification.shown.map((n) => n.options)).toEqual([
        { title: 'Approval needed', body: 'Summarise t1\nshell wants to run' },
      ]);
      // Decided, then the next call asks: news again.
      s.task(view('t1', 'running'));
      s.task(waiting('t1', 'call_2'));
      expect(FakeNotification.shown).toHaveLength(2);
      // The same id in another task is another call.
      s.task(waiting('t2', 'call_1'));
      expect(FakeNotification.shown).toHaveLength(3);
      // A waiting call does not make the later end of the task quiet.
      s.task(view('t1', 'succeeded'));
      expect(FakeNotification.shown.map((n) => n.options.title)).toEqual([
        'Approval needed',
        'Approval needed',
        'Approval needed',
        'Task finished',
      ]);
    });

    it('follows the focus rule: chat only when unfocused, background lanes always', async () => {
      const s = setup({ focused: true });
      await tick();
      s.task(waiting('chat', 'c1'));
      expect(FakeNotification.shown).toHaveLength(0);
      s.task(waiting('bg', 'c1', { lane: 'long' }));
      expect(FakeNotification.shown).toHaveLength(1);
      s.setFocused(false);
      s.task(waiting('chat', 'c2'));
      expect(FakeNotification.shown).toHaveLength(2);
    });

    it('honours the setting, and brings no old news when turned on', async () => {
      const s = setup({ enabled: false });
      await tick();
      s.task(waiting('t1', 'call_1'));
      expect(FakeNotification.shown).toHaveLength(0);
      s.emit({ type: 'settings', settings: settings(true) });
      s.task(waiting('t1', 'call_1'));
      expect(FakeNotification.shown).toHaveLength(0);
      s.task(waiting('t1', 'call_2'));
      expect(FakeNotification.shown).toHaveLength(1);
    });

    it('opens the task when clicked', async () => {
      const s = setup();
      await tick();
      s.task(waiting('t7', 'call_1'));
      FakeNotification.shown[0]!.emit('click');
      expect(s.openTask).toHaveBeenCalledWith('t7');
    });

    it('speaks Chinese when asked to, and is null without a pending call', async () => {
      const { shellTextsFor } = await import('../../src/main/electron/shell-texts.ts');
      const zh = shellTextsFor('zh-CN', 'en-US');
      expect(approvalNotice(waiting('x', 'c'), zh)).toEqual({
        title: '需要批准',
        body: 'Summarise x\nshell 请求运行',
      });
      expect(approvalNotice(view('x', 'running'))).toBeNull();
    });
  });
});

describe('storage notifications', () => {
  const full: StorageProblem = {
    kind: 'full',
    folder: '/home/me/.clawdesk',
    code: 'SQLITE_FULL',
    message: 'cannot save',
    since: 1,
    restartNeeded: false,
  };

  it('says once that ClawDesk cannot save and what to do; a click opens the window', async () => {
    const s = setup();
    await tick();
    s.emit({ type: 'storage', problem: full });
    s.emit({ type: 'storage', problem: { ...full, since: 2 } }); // the same episode
    expect(FakeNotification.shown.map((n) => n.options)).toEqual([
      {
        title: 'ClawDesk cannot save',
        body: 'The disk holding /home/me/.clawdesk is full. Free some space; ClawDesk tries again by itself.',
      },
    ]);
    FakeNotification.shown[0]!.emit('click');
    expect(s.showWindow).toHaveBeenCalledTimes(1);
    // Solved, then a new episode: news again.
    s.emit({ type: 'storage', problem: null });
    s.emit({ type: 'storage', problem: { ...full, kind: 'read_only', restartNeeded: true } });
    expect(FakeNotification.shown[1]!.options.body).toBe(
      '/home/me/.clawdesk is read-only. Make it writable, then start ClawDesk again.',
    );
  });

  it('stays quiet while the window is focused (its banner says it) or notifications are off', async () => {
    const focused = setup({ focused: true });
    await tick();
    focused.emit({ type: 'storage', problem: full });
    const off = setup({ enabled: false });
    await tick();
    off.emit({ type: 'storage', problem: full });
    expect(FakeNotification.shown).toEqual([]);
  });
});

describe('resource guard notifications (issue 13)', () => {
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

  it('one notification per episode of each alert; a click opens the window', async () => {
    const s = setup();
    await tick();
    s.emit({ type: 'resources', alerts: [memory] });
    s.emit({ type: 'resources', alerts: [memory, disk] }); // memory goes on: only disk is news
    s.emit({ type: 'resources', alerts: [disk] });
    expect(FakeNotification.shown.map((n) => n.options)).toEqual([
      {
        title: 'ClawDesk is using a lot of memory',
        body: 'Its main process uses 612 MB, over the 500 MB set in Settings. Restarting ClawDesk frees it; unfinished tasks carry on.',
      },
      {
        title: 'Low disk space',
        body: 'Only 300 MB free on the disk holding /home/me/.clawdesk (Settings asks for 1,024 MB). Free some space, or ClawDesk may soon be unable to save.',
      },
    ]);
    FakeNotification.shown[1]!.emit('click');
    expect(s.showWindow).toHaveBeenCalledTimes(1);
    // The memory episode ended above; a new one is news again.
    s.emit({ type: 'resources', alerts: [disk, { ...memory, since: 9 }] });
    expect(FakeNotification.shown.map((n) => n.options.title)).toHaveLength(3);
  });

  it('says so even while the window is focused (only the monitor shows it), not when off', async () => {
    const focused = setup({ focused: true });
    await tick();
    focused.emit({ type: 'resources', alerts: [memory] });
    expect(FakeNotification.shown).toHaveLength(1);
    const off = setup({ enabled: false });
    await tick();
    off.emit({ type: 'resources', alerts: [disk] });
    expect(FakeNotification.shown).toHaveLength(1);
  });

  it('speaks Chinese when asked to', async () => {
    const { shellTextsFor } = await import('../../src/main/electron/shell-texts.ts');
    const zh = shellTextsFor('zh-CN', 'en-US');
    expect(zh.resourceNotice(memory)).toEqual({
      title: 'ClawDesk 占用内存过多',
      body: '主进程使用了 612 MB，超过设置中的上限 500 MB。重新启动 ClawDesk 可释放内存，未完成的任务会继续。',
    });
    expect(zh.resourceNotice(disk).title).toBe('磁盘空间不足');
    expect(zh.resourceLine(disk)).toBe('磁盘空间不足：剩余 300 MB');
  });
});
