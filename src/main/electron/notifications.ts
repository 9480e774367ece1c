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
  const texts = (): ShellTexts => options.texts?.() ?? ENGLISH;
  // Until settings.get answers, the default of the settings (on) applies.
  const state = { enabled: true, settingsEvent: false };
  const isEnabled = (): boolean => state.enabled;
  const toasts = createToasts(options.Notification);
  const onTask = taskNotices(options, toasts, texts, isEnabled);
  const onStorage = storageNotices(options, toasts, texts, isEnabled);
  const onResources = resourceNotices(options, toasts, texts, isEnabled);

  const unsubscribe = options.core.onEvent((event: TaskEvent) => {
    if (event.type === 'task') onTask(event.task);
    else if (event.type === 'storage') onStorage(event.problem);
    else if (event.type === 'resources') onResources(event.alerts);
    else if (event.type === 'settings') {
      state.settingsEvent = true;
      state.enabled = event.settings.notifications.enabled;
    }
  });
  void options.core.dispatch('settings.get', {}).then((outcome) => {
    // A settings event that came first is newer than this answer.
    if (outcome.ok && !state.settingsEvent) {
      state.enabled = (outcome.result as SettingsView).notifications.enabled;
    } else if (!outcome.ok) log(`notifications: could not read settings: ${outcome.error.message}`);
  });

  return () => {
    unsubscribe();
    toasts.clear();
  };
}

type Texts = () => ShellTexts;

/** Shows toasts, each kept referenced until closed: a collected one loses its click handler. */
function createToasts(Notification: NotificationFactory) {
  const live = new Set<NotificationLike>();
  return {
    show(notice: TaskNotice, onClick: () => void): void {
      const notification = new Notification({ title: notice.title, body: notice.body });
      live.add(notification);
      notification.on('click', () => {
        live.delete(notification);
        onClick();
      });
      notification.on('close', () => live.delete(notification));
      notification.show();
    },
    clear: () => live.clear(),
  };
}
type Toasts = ReturnType<typeof createToasts>;

/** A task's success or failure, and a tool call newly waiting for approval (once per call). */
function taskNotices(
  options: TaskNotificationsOptions,
  toasts: Toasts,
  texts: Texts,
  isEnabled: () => boolean,
): (task: TaskView) => void {
  const changes = new StateChanges();
  const approvals = new PendingApprovals();
  const notify = (task: TaskView, notice: TaskNotice | null): void => {
    if (!notice || !shouldNotify(task, options.isWindowFocused())) return;
    if (!options.Notification.isSupported()) return;
    toasts.show(notice, () => options.openTask(task.id));
  };
  return (task) => {
    // Both are recorded even while off: turning notifications on later brings no old news.
    const changed = changes.changed(task.id, task.state);
    const newApproval = approvals.isNew(task);
    if (!isEnabled()) return;
    if (changed) notify(task, taskNotice(task, texts()));
    if (newApproval) notify(task, approvalNotice(task, texts()));
  };
}

/** Once when ClawDesk starts failing to save, while the window is not focused (it has a banner). */
function storageNotices(
  options: TaskNotificationsOptions,
  toasts: Toasts,
  texts: Texts,
  isEnabled: () => boolean,
): (problem: StorageProblem | null) => void {
  // Once per episode: a problem that lasts (or is re-announced) is not news.
  let cannotSave = false;
  return (problem) => {
    const started = problem !== null && !cannotSave;
    cannotSave = problem !== null;
    if (!started || !isEnabled() || options.isWindowFocused()) return;
    if (!options.Notification.isSupported()) return;
    toasts.show(texts().storageNotice(problem), options.showWindow);
  };
}

/**
 * Once per episode of each guard alert (memory high, disk space low). Shown even while the
 * window is focused: the task monitor shows alerts, not every view (unlike the storage banner).
 */
function resourceNotices(
  options: TaskNotificationsOptions,
  toasts: Toasts,
  texts: Texts,
  isEnabled: () => boolean,
): (alerts: ResourceAlert[]) => void {
  let alerting = new Set<ResourceAlert['kind']>();
  return (alerts) => {
    const started = alerts.filter((alert) => !alerting.has(alert.kind));
    alerting = new Set(alerts.map((alert) => alert.kind));
    if (started.length === 0 || !isEnabled() || !options.Notification.isSupported()) return;
    for (const alert of started) toasts.show(texts().resourceNotice(alert), options.showWindow);
  };
}
