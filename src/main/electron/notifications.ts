import type { NotificationConstructorOptions } from 'electron';
import type { TaskEvent } from '../../shared/ipc-contract.ts';
import type { SettingsView } from '../../shared/settings.ts';
import type { TaskView } from '../../shared/task.ts';
import type { TaskNotice } from '../../shared/task-notice.ts';
import {
  StateChanges,
  shouldNotify,
  taskNotice as sharedNotice,
} from '../../shared/task-notice.ts';
import type { ClawDeskCore } from '../core/core.ts';
import type { ShellTexts } from './shell-texts.ts';
import { ENGLISH } from './shell-texts.ts';

/** The part of Electron's Notification used here; tests pass a fake. */
export interface NotificationLike {
  on(event: 'click' | 'close', listener: () => void): unknown;
  show(): void;
}
export interface NotificationFactory {
  isSupported(): boolean;
  new (options: NotificationConstructorOptions): NotificationLike;
}

export interface TaskNotificationsOptions {
  core: Pick<ClawDeskCore, 'dispatch' | 'onEvent'>;
  Notification: NotificationFactory;
  /** Whether the main window is on screen and focused (then chat results need no toast). */
  isWindowFocused(): boolean;
  /** Shows the window with this task open in the monitor. */
  openTask(taskId: string): void;
  /** The words to show, in the user's language (English by default). */
  texts?: () => ShellTexts;
  log?: (line: string) => void;
}

export type { TaskNotice } from '../../shared/task-notice.ts';

/** The toast for a task that just reached `task.state`, in the shell's words. */
export function taskNotice(task: TaskView, texts: ShellTexts = ENGLISH): TaskNotice | null {
  return sharedNotice(task, texts);
}

export { shouldNotify };

/**
 * Native notifications on task success or failure (seen as a state transition in `task`
 * events). Clicking one opens that task. Follows `settings.notifications.enabled`: read once
 * at start, then from `settings` events. Returns the unsubscribe function.
 */
export function startTaskNotifications(options: TaskNotificationsOptions): () => void {
  const log = options.log ?? ((line: string) => console.error(`[clawdesk] ${line}`));
  const changes = new StateChanges();
  // Until settings.get answers, the default of the settings (on) applies.
  let enabled = true;
  let settingsEvent = false;
  // Kept referenced until closed: a collected Notification loses its click handler.
  const live = new Set<NotificationLike>();

  const show = (task: TaskView, notice: TaskNotice): void => {
    const notification = new options.Notification({ title: notice.title, body: notice.body });
    live.add(notification);
    notification.on('click', () => {
      live.delete(notification);
      options.openTask(task.id);
    });
    notification.on('close', () => live.delete(notification));
    notification.show();
  };

  const onTask = (task: TaskView): void => {
    if (!changes.changed(task.id, task.state) || !enabled) return;
    const notice = taskNotice(task, options.texts?.() ?? ENGLISH);
    if (!notice || !shouldNotify(task, options.isWindowFocused())) return;
    if (!options.Notification.isSupported()) return;
    show(task, notice);
  };

  const unsubscribe = options.core.onEvent((event: TaskEvent) => {
    if (event.type === 'task') onTask(event.task);
    else if (event.type === 'settings') {
      settingsEvent = true;
      enabled = event.settings.notifications.enabled;
    }
  });
  void options.core.dispatch('settings.get', {}).then((outcome) => {
    // A settings event that came first is newer than this answer.
    if (outcome.ok && !settingsEvent) {
      enabled = (outcome.result as SettingsView).notifications.enabled;
    } else if (!outcome.ok) log(`notifications: could not read settings: ${outcome.error.message}`);
  });

  return () => {
    unsubscribe();
    live.clear();
  };
}
