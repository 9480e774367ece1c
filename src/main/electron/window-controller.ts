import type { BrowserWindow } from 'electron';

/** Main → preload: "show this task"; the preload's OPEN_TASK_CHANNEL (a test keeps them equal). */
export const OPEN_TASK_CHANNEL = 'clawdesk:open-task';

export type ControlledWindow = Pick<
  BrowserWindow,
  'isMinimized' | 'restore' | 'show' | 'focus' | 'isFocused' | 'isVisible' | 'isDestroyed' | 'once'
> & { webContents: Pick<BrowserWindow['webContents'], 'isLoading' | 'once' | 'send'> };

export interface WindowController {
  /** Shows and focuses the one main window, creating it when there is none. */
  show(): void;
  /** Shows the window and asks its page to open this task in the monitor. */
  openTask(taskId: string): void;
  /** On screen and focused: the user sees what happens in it. */
  isFocused(): boolean;
}

/**
 * The one main window, created on demand. `create` builds it (and wires IPC trust, the event
 * port, close-to-tray); the controller forgets it once it is closed for good.
 */
export function createWindowController(create: () => ControlledWindow): WindowController {
  let window: ControlledWindow | null = null;

  const current = (): ControlledWindow | null => (window && !window.isDestroyed() ? window : null);

  const show = (): ControlledWindow => {
    const existing = current();
    if (existing) {
      if (existing.isMinimized()) existing.restore();
      existing.show();
      existing.focus();
      return existing;
    }
    const created = create();
    created.once('closed', () => {
      if (window === created) window = null;
    });
    window = created;
    return created;
  };

  return {
    show: () => void show(),
    openTask(taskId) {
      const target = show();
      const contents = target.webContents;
      // A page still loading has no preload listening yet; it gets the request once loaded
      // (the preload holds it until the page subscribes).
      if (contents.isLoading()) {
        contents.once('did-finish-load', () => contents.send(OPEN_TASK_CHANNEL, taskId));
      } else contents.send(OPEN_TASK_CHANNEL, taskId);
    },
    isFocused() {
      const open = current();
      return !!open && open.isVisible() && !open.isMinimized() && open.isFocused();
    },
  };
}
