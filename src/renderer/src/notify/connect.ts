import type { ClawDeskApi } from '../../../shared/ipc-contract.ts';
import type { NotificationApi } from './task-notifier.ts';
import { createBrowserTaskNotifier } from './task-notifier.ts';

/** What the Electron preload adds to `window.clawdesk`: main asks the page to show a task. */
export interface OpenTaskSource {
  onOpenTask?(listener: (taskId: string) => void): () => void;
}

export interface TaskNotificationsEnv {
  api: Pick<ClawDeskApi, 'invoke' | 'onEvent'>;
  /** `window.clawdesk`: present in Electron only. */
  preload: OpenTaskSource | undefined;
  notificationApi: NotificationApi | null;
  isPageFocused(): boolean;
  focusWindow(): void;
  openTask(taskId: string): void;
  /** The UI language ('en' or 'zh-CN'). */
  language?: () => string;
}

/**
 * The effect behind `useTaskNotifications`, DOM-free so it is unit-tested in Node; returns
 * its cleanup.
 * - Electron (`preload` present): main shows native notifications; this only follows main's
 *   "open this task" requests (a notification or the tray menu was clicked).
 * - Headless (a browser tab): browser notifications once the user has granted permission
 *   (see `requestNotificationPermission`), following `settings.notifications.enabled`.
 */
export function connectTaskNotifications(env: TaskNotificationsEnv): () => void {
  if (env.preload) return env.preload.onOpenTask?.(env.openTask) ?? (() => {});
  if (!env.notificationApi) return () => {};
  const notifier = createBrowserTaskNotifier({
    Notification: env.notificationApi,
    isPageFocused: env.isPageFocused,
    ...(env.language ? { language: env.language } : {}),
    showPage: env.focusWindow,
    openTask: (taskId) => {
      env.focusWindow();
      env.openTask(taskId);
    },
  });
  let active = true;
  let settingsEvent = false;
  const unsubscribe = env.api.onEvent((event) => {
    if (event.type === 'settings') settingsEvent = true;
    notifier.handle(event);
  });
  env.api.invoke('settings.get', {}).then(
    (settings) => {
      // A settings event that came first is newer than this answer.
      if (active && !settingsEvent) notifier.setEnabled(settings.notifications.enabled);
    },
    () => {
      // Not reachable yet: the default (on) holds until a settings event says otherwise.
    },
  );
  return () => {
    active = false;
    unsubscribe();
  };
}
