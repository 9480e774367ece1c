import type { TaskEvent } from '../../../shared/ipc-contract.ts';
import type { StorageProblem } from '../../../shared/storage.ts';
import type { TaskView } from '../../../shared/task.ts';
import type { NoticeWords, TaskNotice } from '../../../shared/task-notice.ts';
import {
  NOTICE_WORDS,
  PendingApprovals,
  StateChanges,
  approvalNotice as sharedApprovalNotice,
  shouldNotify,
  taskNotice as sharedNotice,
} from '../../../shared/task-notice.ts';

/**
 * Browser notifications for the headless mode (a page served by `npm run serve`): on task
 * success or failure and when a tool call newly waits for approval, when the page is hidden or
 * not focused, or always for background lanes; and once when ClawDesk starts failing to save,
 * when the page (whose banner says so) is not in front.
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
  /** Brings the page forward (where the storage banner is). */
  showPage?(): void;
  /** The UI language ('en' or 'zh-CN'); English when absent. */
  language?: () => string;
}

export type { TaskNotice } from '../../../shared/task-notice.ts';

function wordsFor(language: string | undefined): NoticeWords {
  return language === 'zh-CN' ? NOTICE_WORDS['zh-CN'] : NOTICE_WORDS.en;
}

/** The notification for a task that just reached its state, or null if that is not news. */
export function taskNotice(task: TaskView, language: string = 'en'): TaskNotice | null {
  return sharedNotice(task, wordsFor(language));
}

/** The notification for a tool call waiting for Approve / Deny, or null when none waits. */
export function approvalNotice(task: TaskView, language: string = 'en'): TaskNotice | null {
  return sharedApprovalNotice(task, wordsFor(language));
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

/**
 * Once when ClawDesk starts failing to save (once per episode: a problem that lasts, or is
 * re-announced, is not news), while the page is not focused; a click shows the page.
 */
function storageNotifier(
  options: BrowserNotifierOptions,
  isEnabled: () => boolean,
): (problem: StorageProblem | null) => void {
  let cannotSave = false;
  return (problem) => {
    const started = problem !== null && !cannotSave;
    cannotSave = problem !== null;
    if (!started || !isEnabled() || options.Notification.permission !== 'granted') return;
    if (options.isPageFocused()) return;
    const notice = wordsFor(options.language?.()).storageNotice(problem);
    const notification = new options.Notification(notice.title, {
      body: notice.body,
      tag: 'storage',
    });
    notification.onclick = () => {
      notification.close();
      options.showPage?.();
    };
  };
}

export function createBrowserTaskNotifier(options: BrowserNotifierOptions): BrowserTaskNotifier {
  const changes = new StateChanges();
  const approvals = new PendingApprovals();
  let enabled = true;

  const notify = (task: TaskView, notice: TaskNotice | null, tag: string): void => {
    if (!notice) return;
    if (!shouldNotify(task, options.isPageFocused())) return;
    const notification = new options.Notification(notice.title, { body: notice.body, tag });
    notification.onclick = () => {
      notification.close();
      options.openTask(task.id);
    };
  };

  const onTask = (task: TaskView): void => {
    // Both are recorded even while off: turning notifications on later brings no old news.
    const changed = changes.changed(task.id, task.state);
    const newApproval = approvals.isNew(task);
    if (!enabled || options.Notification.permission !== 'granted') return;
    const language = options.language?.();
    // The tag makes a second end-of-task notice for the same task replace the first.
    if (changed) notify(task, taskNotice(task, language), task.id);
    // Each waiting call its own tag: a browser replaces a same-tag notice without alerting.
    if (newApproval) {
      notify(
        task,
        approvalNotice(task, language),
        `${task.id}:approval:${task.pendingApproval?.toolCallId ?? ''}`,
      );
    }
  };

  const onStorage = storageNotifier(options, () => enabled);

  return {
    handle(event) {
      if (event.type === 'task') onTask(event.task);
      else if (event.type === 'storage') onStorage(event.problem);
      else if (event.type === 'settings') enabled = event.settings.notifications.enabled;
    },
    setEnabled(value) {
      enabled = value;
    },
  };
}
