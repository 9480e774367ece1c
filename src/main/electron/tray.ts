import type { MenuItemConstructorOptions, NativeImage } from 'electron';
import { Menu, nativeImage, Tray } from 'electron';
import type { ApiMethod, ApiOutcome } from '../../shared/ipc-contract.ts';
import type { ClawDeskCore } from '../core/core.ts';
import type { TallySnapshot, TalliedTask } from './task-tally.ts';
import { TaskTally } from './task-tally.ts';
import type { ShellTexts } from './shell-texts.ts';
import { ENGLISH } from './shell-texts.ts';
import type { TrayIconState } from './tray-icons.ts';
import { TRAY_ICON_STATES, trayIconPngs } from './tray-icons.ts';

/** The menu and tooltip are rebuilt at most this often, however fast tasks stream. */
export const TRAY_REFRESH_MS = 500;
/** Running tasks listed in the menu; the rest are counted in one line. */
export const MENU_TASKS = 10;
/** The first page of unfinished tasks the tally starts from (the contract's maximum). */
const INITIAL_LIMIT = 10_000;
const UNFINISHED = ['queued', 'running', 'paused', 'interrupted'] as const;

export interface AppTrayOptions {
  core: Pick<ClawDeskCore, 'dispatch' | 'onEvent'>;
  /** Shows (and focuses) the main window, creating it if needed. */
  showWindow(): void;
  /** Shows the window with this task open in the monitor. */
  openTask(taskId: string): void;
  /** Ends the app (the graceful core shutdown runs on 'before-quit'). */
  quit(): void;
  /** The words to show, in the user's language (English by default). */
  texts?: () => ShellTexts;
  platform?: NodeJS.Platform;
  log?: (line: string) => void;
}

export interface AppTray {
  /** The user looked at the window: clear the error icon of failures already seen. */
  acknowledge(): void;
  /** Redraw now-ish (the language changed). */
  refresh(): void;
  destroy(): void;
}

const count = (n: number): string => n.toLocaleString('en');

/** "3 running, 12 queued" (and paused, when some are). */
export function countsText({ counts }: Pick<TallySnapshot, 'counts'>, texts: ShellTexts): string {
  if (counts.running + counts.queued + counts.paused === 0) return texts.idle;
  const paused = counts.paused > 0 ? count(counts.paused) : null;
  return texts.counts(count(counts.running), count(counts.queued), paused);
}

/** "ClawDesk — 3 running, 12 queued", or why it cannot save, or the guard's alerts. */
export function tooltipText(
  snapshot: Pick<TallySnapshot, 'counts'> & Partial<Pick<TallySnapshot, 'cannotSave' | 'alerts'>>,
  texts: ShellTexts = ENGLISH,
): string {
  if (snapshot.cannotSave) return `ClawDesk — ${texts.cannotSave}`;
  const alerts = (snapshot.alerts ?? []).map((alert) => texts.resourceLine(alert));
  return `ClawDesk — ${alerts.length > 0 ? alerts.join('; ') : countsText(snapshot, texts)}`;
}

/** "Summarise the report — 1,234 chars" or "… — waiting for the rate limit". */
export function progressLabel(task: TalliedTask, texts: ShellTexts = ENGLISH): string {
  const progress = task.phase ? texts.phase[task.phase] : texts.chars(count(task.outputChars));
  // '&' starts an access key on Windows/Linux menus: double it so titles show as written.
  return `${task.title.replaceAll('&', '&&')} — ${progress}`;
}

export function trayMenuTemplate(
  snapshot: TallySnapshot,
  actions: {
    openTask(taskId: string): void;
    showWindow(): void;
    run(method: ApiMethod): void;
    quit(): void;
  },
  texts: ShellTexts = ENGLISH,
): MenuItemConstructorOptions[] {
  const { running } = snapshot;
  const shown = running.slice(0, MENU_TASKS);
  const tasks: MenuItemConstructorOptions[] = shown.map((task) => ({
    id: `task:${task.id}`,
    label: progressLabel(task, texts),
    click: () => actions.openTask(task.id),
  }));
  if (running.length > shown.length) {
    tasks.push({ label: texts.moreRunning(running.length - shown.length), enabled: false });
  }
  if (tasks.length === 0) tasks.push({ label: texts.noneRunning, enabled: false });
  const trouble: MenuItemConstructorOptions[] = snapshot.cannotSave
    ? [{ id: 'cannot-save', label: texts.cannotSave, click: actions.showWindow }]
    : [];
  for (const alert of snapshot.alerts) {
    const label = texts.resourceLine(alert);
    trouble.push({ id: `alert:${alert.kind}`, label, click: actions.showWindow });
  }
  return [
    ...trouble,
    { label: countsText(snapshot, texts), enabled: false },
    ...tasks,
    { type: 'separator' },
    { id: 'open', label: texts.open, click: actions.showWindow },
    { id: 'pause-all', label: texts.pauseAll, click: () => actions.run('tasks.pauseAll') },
    { id: 'resume-all', label: texts.resumeAll, click: () => actions.run('tasks.resumeAll') },
    { type: 'separator' },
    { id: 'quit', label: texts.quit, click: actions.quit },
  ];
}

function loadIcons(): Record<TrayIconState, NativeImage> {
  const icons = {} as Record<TrayIconState, NativeImage>;
  for (const state of TRAY_ICON_STATES) {
    const { x1, x2 } = trayIconPngs(state);
    const image = nativeImage.createFromBuffer(x1, { scaleFactor: 1 });
    image.addRepresentation({ scaleFactor: 2, buffer: x2 });
    icons[state] = image;
  }
  return icons;
}

/**
 * The tray icon, and how the tally is drawn on it: the icon when its state changed, the tooltip
 * and the menu, in the user's language at the moment of drawing.
 */
function trayPainter(options: AppTrayOptions, log: (line: string) => void) {
  const icons = loadIcons();
  const tray = new Tray(icons.idle);
  const texts = options.texts ?? (() => ENGLISH);
  let shownIcon: TrayIconState = 'idle';
  const run = (method: ApiMethod): void => {
    void options.core.dispatch(method, {}).then((outcome) => {
      if (!outcome.ok) log(`${method} from the tray failed: ${outcome.error.message}`);
    });
  };
  const actions = {
    openTask: options.openTask,
    showWindow: options.showWindow,
    run,
    quit: options.quit,
  };
  return {
    tray,
    paint(snapshot: TallySnapshot): void {
      if (snapshot.icon !== shownIcon) {
        shownIcon = snapshot.icon;
        tray.setImage(icons[shownIcon]);
      }
      const words = texts();
      tray.setToolTip(tooltipText(snapshot, words));
      tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(snapshot, actions, words)));
    },
  };
}

/**
 * What the tally starts from: the unfinished tasks, and a storage problem found at start-up
 * (announced before the tray listened). `changed` redraws.
 */
function loadTally(
  options: AppTrayOptions,
  tally: TaskTally,
  changed: () => void,
  log: (line: string) => void,
): { sawStorageEvent: () => void } {
  let storageEvent = false;
  const unfinished = { states: [...UNFINISHED], limit: INITIAL_LIMIT };
  void options.core.dispatch('tasks.list', unfinished).then((outcome) => {
    const listed = outcome as ApiOutcome<'tasks.list'>;
    if (!listed.ok) log(`the tray could not list tasks: ${listed.error.message}`);
    // Loading (even nothing) ends the start-up phase; from then on events alone count.
    tally.load(listed.ok ? listed.result.tasks : []);
    changed();
  });
  void options.core.dispatch('storage.status', {}).then((outcome) => {
    const status = outcome as ApiOutcome<'storage.status'>;
    // An event that came first is newer than this answer.
    if (!status.ok || storageEvent) return;
    if (tally.apply({ type: 'storage', problem: status.result.problem ?? null })) changed();
  });
  return { sawStorageEvent: () => (storageEvent = true) };
}

/**
 * The system tray: a state icon, a tooltip with counts and a menu of running tasks with their
 * progress, Open, Pause all / Resume all and Quit. Fed by core events; redrawn at most every
 * TRAY_REFRESH_MS (trailing, so the last change always shows).
 */
export function createAppTray(options: AppTrayOptions): AppTray {
  const log = options.log ?? ((line: string) => console.error(`[clawdesk] ${line}`));
  const tally = new TaskTally();
  const painter = trayPainter(options, log);
  const { tray } = painter;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let destroyed = false;
  const render = (): void => {
    timer = undefined;
    if (!destroyed) painter.paint(tally.snapshot());
  };
  const schedule = (): void => {
    if (!destroyed) timer ??= setTimeout(render, TRAY_REFRESH_MS);
  };
  const loading = loadTally(options, tally, schedule, log);
  const unsubscribe = options.core.onEvent((event) => {
    if (event.type === 'storage') loading.sawStorageEvent();
    if (tally.apply(event)) schedule();
  });
  // Windows and Linux: a click on the icon opens the window (on macOS it opens the menu).
  if ((options.platform ?? process.platform) !== 'darwin') {
    tray.on('click', () => options.showWindow());
  }
  render();

  return {
    acknowledge() {
      if (tally.acknowledge()) schedule();
    },
    refresh: schedule,
    destroy() {
      destroyed = true;
      unsubscribe();
      if (timer) clearTimeout(timer);
      tray.destroy();
    },
  };
}
