import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { TaskEvent } from '../../src/shared/ipc-contract.ts';
import type { SettingsView } from '../../src/shared/settings.ts';
import type { StorageProblem } from '../../src/shared/storage.ts';
import type { TaskView } from '../../src/shared/task.ts';
import type { NotificationApi, Permission } from '../../src/renderer/src/notify/task-notifier.ts';
import {
  approvalNotice,
  requestNotificationPermission,
  taskNotice,
} from '../../src/renderer/src/notify/task-notifier.ts';
import { connectTaskNotifications } from '../../src/renderer/src/notify/connect.ts';
import { taskView, waitingView } from '../helpers/task-view.ts';

/** A stand-in for the DOM Notification API. */
class FakeNotification {
  static permission: Permission = 'granted';
  static requestPermission = vi.fn(async () => {
    FakeNotification.permission = 'granted';
    return FakeNotification.permission;
  });
  static created: FakeNotification[] = [];
  onclick: (() => void) | null = null;
  close = vi.fn();
  readonly title: string;
  readonly options?: { body?: string; tag?: string };
  constructor(title: string, options?: { body?: string; tag?: string }) {
    this.title = title;
    this.options = options;
    FakeNotification.created.push(this);
  }
}
const notificationApi = FakeNotification as unknown as NotificationApi;

function view(id: string, state: TaskView['state'], extra: Partial<TaskView> = {}): TaskView {
  return taskView(id, state, { lane: 'interactive', prompt: `Draft ${id}`, ...extra });
}

/** A running view with a tool call waiting for Approve / Deny. */
function waiting(id: string, toolCallId: string, extra: Partial<TaskView> = {}): TaskView {
  return waitingView(
    id,
    { toolCallId, name: 'write_file', args: '{}' },
    { prompt: `Draft ${id}`, ...extra },
  );
}

function setup(options: { focused?: boolean; enabled?: boolean; preload?: object } = {}) {
  const emitter = new EventEmitter();
  const api = {
    onEvent: vi.fn((listener: (event: TaskEvent) => void) => {
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    }),
    invoke: vi.fn(async () => ({ notifications: { enabled: options.enabled ?? true } })),
  };
  let focused = options.focused ?? false;
  const env = {
    api: api as never,
    preload: options.preload,
    notificationApi,
    isPageFocused: () => focused,
    focusWindow: vi.fn(),
    openTask: vi.fn(),
  };
  const stop = connectTaskNotifications(env);
  return {
    env,
    api,
    stop,
    setFocused: (value: boolean) => (focused = value),
    emit: (event: TaskEvent) => emitter.emit('event', event),
    task: (task: TaskView) => emitter.emit('event', { type: 'task', task }),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => {
  FakeNotification.permission = 'granted';
  FakeNotification.created = [];
  FakeNotification.requestPermission.mockClear();
});

describe('browser task notifications (headless mode)', () => {
  it('notifies on success and failure while the page is not focused', async () => {
    const s = setup();
    await tick();
    s.task(view('t1', 'running'));
    s.task(view('t1', 'succeeded'));
    s.task(view('t2', 'failed', { error: { code: 'timeout', message: 'Took too long' } }));
    expect(FakeNotification.created.map((n) => [n.title, n.options?.body])).toEqual([
      ['Task finished', 'Draft t1'],
      ['Task failed', 'Draft t2\nTook too long'],
    ]);
    expect(FakeNotification.created[0]!.options?.tag).toBe('t1');
  });

  it('skips chat tasks while the page is focused, never background lanes', async () => {
    const s = setup({ focused: true });
    await tick();
    s.task(view('chat', 'succeeded'));
    s.task(view('bg', 'succeeded', { lane: 'short' }));
    expect(FakeNotification.created.map((n) => n.options?.body)).toEqual(['Draft bg']);
  });

  it('needs permission and the setting', async () => {
    FakeNotification.permission = 'default';
    const s = setup({ enabled: false });
    await tick();
    s.task(view('a', 'succeeded'));
    FakeNotification.permission = 'granted';
    s.task(view('b', 'succeeded'));
    expect(FakeNotification.created).toHaveLength(0);
    s.emit({ type: 'settings', settings: { notifications: { enabled: true } } as SettingsView });
    s.task(view('c', 'succeeded'));
    expect(FakeNotification.created).toHaveLength(1);
  });

  it('notifies once per transition', async () => {
    const s = setup();
    await tick();
    s.task(view('t1', 'succeeded'));
    s.task(view('t1', 'succeeded'));
    s.task(view('t2', 'cancelled'));
    expect(FakeNotification.created).toHaveLength(1);
  });

  it('a click focuses the window and opens the task', async () => {
    const s = setup();
    await tick();
    s.task(view('t5', 'succeeded', { lane: 'long' }));
    FakeNotification.created[0]!.onclick!();
    expect(s.env.focusWindow).toHaveBeenCalled();
    expect(s.env.openTask).toHaveBeenCalledWith('t5');
    expect(FakeNotification.created[0]!.close).toHaveBeenCalled();
  });

  it('stops on cleanup', async () => {
    const s = setup();
    s.stop();
    s.task(view('t1', 'succeeded'));
    expect(FakeNotification.created).toHaveLength(0);
  });

  it('in Electron shows none itself and follows main\'s "open this task" instead', () => {
    let openListener: ((taskId: string) => void) | undefined;
    const unsubscribe = vi.fn();
    const preload = {
      onOpenTask: (listener: (taskId: string) => void) => {
        openListener = listener;
        return unsubscribe;
      },
    };
    const s = setup({ preload });
    expect(s.api.onEvent).not.toHaveBeenCalled();
    openListener!('t3');
    expect(s.env.openTask).toHaveBeenCalledWith('t3');
    s.stop();
    expect(unsubscribe).toHaveBeenCalled();
  });
});

describe('browser approval notifications (issue 6)', () => {
  it('notifies once per pending call, not for a repeated snapshot', async () => {
    const s = setup();
    await tick();
    s.task(waiting('t1', 'call_1'));
    s.task(waiting('t1', 'call_1'));
    s.task(waiting('t1', 'call_2'));
    expect(FakeNotification.created.map((n) => [n.title, n.options?.body, n.options?.tag])).toEqual(
      [
        ['Approval needed', 'Draft t1\nwrite_file wants to run', 't1:approval:call_1'],
        ['Approval needed', 'Draft t1\nwrite_file wants to run', 't1:approval:call_2'],
      ],
    );
  });

  it('follows the focus rule, the setting and the permission', async () => {
    const s = setup({ focused: true });
    await tick();
    s.task(waiting('chat', 'a'));
    s.task(waiting('bg', 'a', { lane: 'short' }));
    expect(FakeNotification.created.map((n) => n.options?.tag)).toEqual(['bg:approval:a']);
    s.emit({ type: 'settings', settings: { notifications: { enabled: false } } as SettingsView });
    s.setFocused(false);
    s.task(waiting('chat', 'b'));
    s.emit({ type: 'settings', settings: { notifications: { enabled: true } } as SettingsView });
    FakeNotification.permission = 'denied';
    s.task(waiting('chat', 'c'));
    expect(FakeNotification.created).toHaveLength(1);
    FakeNotification.permission = 'granted';
    s.task(waiting('chat', 'b'));
    s.task(waiting('chat', 'd'));
    expect(FakeNotification.created.map((n) => n.options?.tag)).toEqual([
      'bg:approval:a',
      'chat:approval:d',
    ]);
  });

  it('a click focuses the window and opens the task', async () => {
    const s = setup();
    await tick();
    s.task(waiting('t4', 'call_1'));
    FakeNotification.created[0]!.onclick!();
    expect(s.env.focusWindow).toHaveBeenCalled();
    expect(s.env.openTask).toHaveBeenCalledWith('t4');
    expect(FakeNotification.created[0]!.close).toHaveBeenCalled();
  });

  it('speaks Chinese, and has no notice without a pending call', () => {
    expect(approvalNotice(waiting('x', 'c'), 'zh-CN')).toEqual({
      title: '需要批准',
      body: 'Draft x\nwrite_file 请求运行',
    });
    expect(approvalNotice(view('x', 'running'))).toBeNull();
  });
});

describe('requestNotificationPermission', () => {
  it('asks only when the user has not decided yet', async () => {
    FakeNotification.permission = 'default';
    await expect(requestNotificationPermission(notificationApi)).resolves.toBe('granted');
    expect(FakeNotification.requestPermission).toHaveBeenCalledOnce();
    FakeNotification.permission = 'denied';
    await expect(requestNotificationPermission(notificationApi)).resolves.toBe('denied');
    expect(FakeNotification.requestPermission).toHaveBeenCalledOnce();
    await expect(requestNotificationPermission(null)).resolves.toBe('unsupported');
  });

  it('builds no notice for states that are not news', () => {
    expect(taskNotice(view('x', 'paused'))).toBeNull();
    expect(taskNotice(view('x', 'timed_out'))?.body).toBe('Draft x\nTimed out');
  });
});

describe('browser notices in Chinese', () => {
  it('follow the UI language', () => {
    expect(taskNotice(view('x', 'succeeded'), 'zh-CN')?.title).toBe('任务已完成');
    expect(taskNotice(view('x', 'failed'), 'zh-CN')).toEqual({
      title: '任务失败',
      body: 'Draft x\n失败',
    });
  });
});

describe('browser storage notifications (headless mode)', () => {
  const full: StorageProblem = {
    kind: 'full',
    folder: '/srv/clawdesk',
    code: 'SQLITE_FULL',
    message: 'cannot save',
    since: 1,
    restartNeeded: false,
  };

  it('says once per episode that ClawDesk cannot save; a click brings the page forward', async () => {
    const s = setup();
    await tick();
    s.emit({ type: 'storage', problem: full });
    s.emit({ type: 'storage', problem: { ...full, since: 2 } });
    expect(FakeNotification.created.map((n) => [n.title, n.options])).toEqual([
      [
        'ClawDesk cannot save',
        {
          body: 'The disk holding /srv/clawdesk is full. Free some space; ClawDesk tries again by itself.',
          tag: 'storage',
        },
      ],
    ]);
    FakeNotification.created[0]!.onclick!();
    expect(s.env.focusWindow).toHaveBeenCalledTimes(1);
    expect(s.env.openTask).not.toHaveBeenCalled();
    s.emit({ type: 'storage', problem: null });
    s.emit({ type: 'storage', problem: full });
    expect(FakeNotification.created).toHaveLength(2);
  });

  it('stays quiet while the page is in front (its banner says it)', async () => {
    const s = setup({ focused: true });
    await tick();
    s.emit({ type: 'storage', problem: full });
    expect(FakeNotification.created).toEqual([]);
  });
});
