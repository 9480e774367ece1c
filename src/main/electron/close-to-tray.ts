import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BrowserWindow } from 'electron';

/**
 * A few flags remembered across runs in a small JSON file in userData (not in SQLite: they
 * are the shell's, not the core's). Unreadable or missing file: every flag is unset.
 */
export interface ShellFlags {
  get(name: string): boolean;
  set(name: string): void;
}

export function fileFlags(path: string, log: (line: string) => void = () => {}): ShellFlags {
  let flags: Record<string, boolean> = {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (parsed && typeof parsed === 'object') flags = parsed as Record<string, boolean>;
  } catch {
    // First run, or a damaged file: start over.
  }
  return {
    get: (name) => flags[name] === true,
    set(name) {
      if (flags[name] === true) return;
      flags = { ...flags, [name]: true };
      try {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, `${JSON.stringify(flags, null, 2)}\n`);
      } catch (err) {
        log(`could not save ${path}: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
  };
}

export const TRAY_NOTICE_FLAG = 'trayNoticeShown';

export interface CloseToTrayOptions {
  /** True once the app is quitting: then the window really closes. */
  isQuitting(): boolean;
  flags: ShellFlags;
  /** Tells the user, once ever, that ClawDesk is still running in the tray. */
  notify(): void;
}

/**
 * Closing the window hides it: ClawDesk keeps running (and its tasks with it) in the tray.
 * Only a quit (tray menu, Cmd+Q, OS shutdown) lets the window close.
 */
export function keepInTrayOnClose(
  window: Pick<BrowserWindow, 'on' | 'hide'>,
  options: CloseToTrayOptions,
): void {
  window.on('close', (event) => {
    if (options.isQuitting()) return;
    event.preventDefault();
    window.hide();
    if (options.flags.get(TRAY_NOTICE_FLAG)) return;
    options.flags.set(TRAY_NOTICE_FLAG);
    options.notify();
  });
}
