import type { TaskEvent } from '../../../shared/ipc-contract.ts';
import type { TaskState, TaskView } from '../../../shared/task.ts';

/**
 * Browser notifications for the headless mode (a page served by `npm run serve`): on task
 * success or failure, when the page is hidden or not focused, or always for background lanes.
 * In Electron main shows native ones instead, so none of this runs there.
 */

/** The browser's answer to "may we notify?" (DOM `NotificationPermission`). */
export type Permission = 'default' | 'granted' | 'denied';

/**
 * The part of the DOM Notification API used here, typed structurally so this file needs no
 * DOM types (its unit tests run in Node); tests pass a fake.
 */
export interface NotificationApi {
  readonly permission: Permission;
  requestPermission(): Promise<Permission>;
  new (
    title: string,
    options?: { body?: string; tag?: string },
  ): { onclick: ((event: never) => unknown) | null; close(): void };
}

export interface BrowserNotifierOptions {
  Notification: NotificationApi;
  /** The user is looking at the page (visible and focused). */
  isPageFocused(): boolean;
  /** Brings the page forward and opens the task in the monitor. */
  openTask(taskId: string): void;
  /** The UI language ('en' or 'zh-CN'); English when absent. */
  language?: () => string;
}

export interface TaskNotice {
  title: string;
  body: string;
}

const BODY_CHARS = 120;
const REMEMBERED = 5_000;

function firstLine(text: string, max: number = BODY_CHARS): string {
  const line =
    text
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The words of a notice; the same as main's native ones (src/main/electron/shell-texts.ts). */
const TEXTS = {
  en: { finished: 'Task finished', failed: 'Task failed', timedOut: 'Timed out', error: 'Failed' },
  'zh-CN': { finished: '任务已完成', failed: '任务失败', timedOut: '已超时', error: '失败' },
} as const;

/** The notification for a task that just reached its state, or null if that is not news. */
export function taskNotice(task: TaskView, language: string = 'en'): TaskNotice | null {
  const words = language === 'zh-CN' ? TEXTS['zh-CN'] : TEXTS.en;
  const title = firstLine(task.prompt) || '(empty)';
  if (task.state === 'succeeded') return { title: words.finished, body: title };
  if (task.state === 'failed' || task.state === 'timed_out') {
    const reason =
      task.error?.message ?? (task.state === 'timed_out' ? words.timedOut : words.error);
    return { title: words.failed, body: `${title}\n${firstLine(reason)}` };
  }
  return null;
}

/** The global Notification API, or null where the browser has none. */
export function browserNotificationApi(): NotificationApi | null {
  const api = (globalThis as { Notification?: NotificationApi }).Notification;
  return typeof api === 'function' ? api : null;
}

/**
 * Asks the browser for permission. Call it from a user gesture (the settings page's
 * "notifications" switch): browsers ignore or block requests made without one.
 */
export async function requestNotificationPermission(
  api: NotificationApi | null = browserNotificationApi(),
): Promise<Permission | 'unsupported'> {
  if (!api) return 'unsupported';
  if (api.permission !== 'default') return api.permission;
  return api.requestPermission();
}

export interface BrowserTaskNotifier {
  handle(event: TaskEvent): void;
  /** `settings.notifications.enabled`. */
  setEnabled(enabled: boolean): void;
}

export function createBrowserTaskNotifier(options: BrowserNotifierOptions): BrowserTaskNotifier {
  const lastState = new Map<string, TaskState>();
  let enabled = true;

  const remember = (id: string, state: TaskState): void => {
    lastState.delete(id);
    lastState.set(id, state);
    if (lastState.size > REMEMBERED) {
      const oldest = lastState.keys().next().value;
      if (oldest !== undefined) lastState.delete(oldest);
    }
  };

  const onTask = (task: TaskView): void => {
    const previous = lastState.get(task.id);
    remember(task.id, task.state);
    if (previous === task.state || !enabled) return;
    if (options.Notification.permission !== 'granted') return;
    const notice = taskNotice(task, options.language?.());
    if (!notice) return;
    if (task.lane === 'interactive' && options.isPageFocused()) return;
    // The tag makes a second notice for the same task replace the first.
    const notification = new options.Notification(notice.title, {
      body: notice.body,
      tag: task.id,
    });
    notification.onclick = () => {
      notification.close();
      options.openTask(task.id);
    };
  };

  return {
    handle(event) {
      if (event.type === 'task') onTask(event.task);
      else if (event.type === 'settings') enabled = event.settings.notifications.enabled;
    },
    setEnabled(value) {
      enabled = value;
    },
  };
}
