import type { NotificationConstructorOptions } from 'electron';
import type { TaskEvent } from '../../shared/ipc-contract.ts';
import type { SettingsView } from '../../shared/settings.ts';
import type { TaskState, TaskView } from '../../shared/task.ts';
import type { ClawDeskCore } from '../core/core.ts';
import type { ShellTexts } from './shell-texts.ts';
import { ENGLISH } from './shell-texts.ts';
import { titleOf } from './task-tally.ts';

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

export interface TaskNotice {
  title: string;
  body: string;
}

const BODY_CHARS = 120;
/** Tasks whose last state is remembered, so a repeated view of a finished task stays quiet. */
const REMEMBERED = 5_000;

/**
 * The toast for a task that just reached `task.state`, or null when that state is not news
 * (only success and failure are; cancelling was the user's own doing).
 */
export function taskNotice(task: TaskView, texts: ShellTexts = ENGLISH): TaskNotice | null {
  const title = titleOf(task.prompt, BODY_CHARS);
  if (task.state === 'succeeded') return { title: texts.taskFinished, body: title };
  if (task.state === 'failed' || task.state === 'timed_out') {
    const reason =
      task.error?.message ?? (task.state === 'timed_out' ? texts.timedOut : texts.failed);
    return { title: texts.taskFailed, body: `${title}\n${titleOf(reason, BODY_CHARS)}` };
  }
  return null;
}

/**
 * Whether a finished task deserves a notification: chat (interactive) results only while the
 * window is not focused — the user is looking at them otherwise — background lanes always.
 */
export function shouldNotify(task: TaskView, windowFocused: boolean): boolean {
  return task.lane !== 'interactive' || !windowFocused;
}

/**
 * Native notifications on task success or failure (seen as a state transition in `task`
 * events). Clicking one opens that task. Follows `settings.notifications.enabled`: read once
 * at start, then from `settings` events. Returns the unsubscribe function.
 */
export function startTaskNotifications(options: TaskNotificationsOptions): () => void {
  const log = options.log ?? ((line: string) => console.error(`[clawdesk] ${line}`));
  const lastState = new Map<string, TaskState>();
  // Until settings.get answers, the default of the settings (on) applies.
  let enabled = true;
  let settingsEvent = false;
  // Kept referenced until closed: a collected Notification loses its click handler.
  const live = new Set<NotificationLike>();

  const remember = (id: string, state: TaskState): void => {
    lastState.delete(id);
    lastState.set(id, state);
    if (lastState.size > REMEMBERED) {
      const oldest = lastState.keys().next().value;
      if (oldest !== undefined) lastState.delete(oldest);
    }
  };

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
    const previous = lastState.get(task.id);
    remember(task.id, task.state);
    if (previous === task.state || !enabled) return;
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
