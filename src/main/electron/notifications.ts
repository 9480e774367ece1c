import type { NotificationConstructorOptions } from 'electron';
import type { TaskEvent } from '../../shared/ipc-contract.ts';
import type { ResourceAlert } from '../../shared/monitor.ts';
import type { SettingsView } from '../../shared/settings.ts';
import type { StorageProblem } from '../../shared/storage.ts';
import type { TaskView } from '../../shared/task.ts';
import type { TaskNotice } from '../../shared/task-notice.ts';
import {
  PendingApprovals,
  StateChanges,
  approvalNotice as sharedApprovalNotice,
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
  /** Shows (and focuses) the main window: where the storage banner says what to do. */
  showWindow(): void;
  /** The words to show, in the user's language (English by default). */
  texts?: () => ShellTexts;
  log?: (line: string) => void;
}

export type { TaskNotice } from '../../shared/task-notice.ts';

/** The toast for a task that just reached `task.state`, in the shell's words. */
export function taskNotice(task: TaskView, texts: ShellTexts = ENGLISH): TaskNotice | null {
  return sharedNotice(task, texts);
}

/** The toast for a tool call waiting for Approve / Deny, in the shell's words. */
export function approvalNotice(task: TaskView, texts: ShellTexts = ENGLISH): TaskNotice | null {
  return sharedApprovalNotice(task, texts);
}

export { shouldNotify };

/**
 * Native notifications on task success or failure (seen as a state transition in `task`
 * events), when a tool call newly waits for approval (`pendingApproval`, once per call), and
 * once when ClawDesk starts failing to save (a `storage` event; its banner is in the window),
 * and once per episode of a guard alert (a `resources` event: memory high, disk space low).
 * Clicking one opens that task, or the window. Follows `settings.notifications.enabled`: read once
 * at start, then from `settings` events. Returns the unsubscribe function.
 */
export function startTaskNotifications(options: TaskNotificationsOptions): () => void {
  const log = options.log ?? ((line: string) => console.error(`[clawdesk] ${line}`));
  const changes = new StateChanges();
  const approvals = new PendingApprovals();
  // Until settings.get answers, the default of the settings (on) applies.
  let enabled = true;
  let settingsEvent = false;
  // Kept referenced until closed: a collected Notification loses its click handler.
  const live = new Set<NotificationLike>();

  const show = (notice: TaskNotice, onClick: () => void): void => {
    const notification = new options.Notification({ title: notice.title, body: notice.body });
    live.add(notification);
    notification.on('click', () => {
      live.delete(notification);
      onClick();
    });
    notification.on('close', () => live.delete(notification));
    notification.show();
  };

  const notify = (task: TaskView, notice: TaskNotice | null): void => {
    if (!notice || !shouldNotify(task, options.isWindowFocused())) return;
    if (!options.Notification.isSupported()) return;
    show(notice, () => options.openTask(task.id));
  };

  // Once per episode: a problem that lasts (or is re-announced) is not news.
  let cannotSave = false;
  const onStorage = (problem: StorageProblem | null): void => {
    const started = problem !== null && !cannotSave;
    cannotSave = problem !== null;
    if (!started || !enabled || options.isWindowFocused()) return;
    if (!options.Notification.isSupported()) return;
    const texts = options.texts?.() ?? ENGLISH;
    show(texts.storageNotice(problem), options.showWindow);
  };

  // Once per episode of each alert. Shown even while the window is focused: the task monitor
  // shows alerts, not every view (unlike the storage banner).
  let alerting = new Set<ResourceAlert['kind']>();
  const onResources = (alerts: ResourceAlert[]): void => {
    const started = alerts.filter((alert) => !alerting.has(alert.kind));
    alerting = new Set(alerts.map((alert) => alert.kind));
    if (started.length === 0 || !enabled || !options.Notification.isSupported()) return;
    const texts = options.texts?.() ?? ENGLISH;
    for (const alert of started) show(texts.resourceNotice(alert), options.showWindow);
  };

  const onTask = (task: TaskView): void => {
    // Both are recorded even while off: turning notifications on later brings no old news.
    const changed = changes.changed(task.id, task.state);
    const newApproval = approvals.isNew(task);
    if (!enabled) return;
    const texts = options.texts?.() ?? ENGLISH;
    if (changed) notify(task, taskNotice(task, texts));
    if (newApproval) notify(task, approvalNotice(task, texts));
  };

  const unsubscribe = options.core.onEvent((event: TaskEvent) => {
    if (event.type === 'task') onTask(event.task);
    else if (event.type === 'storage') onStorage(event.problem);
    else if (event.type === 'resources') onResources(event.alerts);
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
