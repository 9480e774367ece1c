import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  fileFlags,
  keepInTrayOnClose,
  TRAY_NOTICE_FLAG,
} from '../../src/main/electron/close-to-tray.ts';
import {
  createWindowController,
  OPEN_TASK_CHANNEL,
} from '../../src/main/electron/window-controller.ts';
import { OPEN_TASK_CHANNEL as PRELOAD_OPEN_TASK_CHANNEL } from '../../src/preload/api.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clawdesk-shell-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fakeWindow() {
  const contents = Object.assign(new EventEmitter(), {
    send: vi.fn(),
    isLoading: vi.fn(() => false),
  });
  return Object.assign(new EventEmitter(), {
    webContents: contents,
    hide: vi.fn(),
    show: vi.fn(),
    focus: vi.fn(),
    restore: vi.fn(),
    isMinimized: vi.fn(() => false),
    isFocused: vi.fn(() => true),
    isVisible: vi.fn(() => true),
    isDestroyed: vi.fn(() => false),
  });
}

const closeEvent = () => ({ preventDefault: vi.fn() });

describe('close to tray', () => {
  it('hides instead of closing, and says so only the first time ever', () => {
    const path = join(dir, 'shell-state.json');
    const notify = vi.fn();
    const window = fakeWindow();
    keepInTrayOnClose(window as never, { isQuitting: () => false, flags: fileFlags(path), notify });
    const first = closeEvent();
    window.emit('close', first);
    expect(first.preventDefault).toHaveBeenCalled();
    expect(window.hide).toHaveBeenCalledOnce();
    expect(notify).toHaveBeenCalledOnce();
    window.emit('close', closeEvent());
    expect(notify).toHaveBeenCalledOnce();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ [TRAY_NOTICE_FLAG]: true });

    // The next run reads the flag back: still no second notice.
    const later = fakeWindow();
    const notifyLater = vi.fn();
    keepInTrayOnClose(later as never, {
      isQuitting: () => false,
      flags: fileFlags(path),
      notify: notifyLater,
    });
    later.emit('close', closeEvent());
    expect(later.hide).toHaveBeenCalled();
    expect(notifyLater).not.toHaveBeenCalled();
  });

  it('lets the window close while quitting', () => {
    let quitting = false;
    const window = fakeWindow();
    keepInTrayOnClose(window as never, {
      isQuitting: () => quitting,
      flags: fileFlags(join(dir, 'x.json')),
      notify: vi.fn(),
    });
    quitting = true;
    const event = closeEvent();
    window.emit('close', event);
    expect(event.preventDefault).not.toHaveBeenCalled();
    expect(window.hide).not.toHaveBeenCalled();
  });

  it('treats a damaged flags file as empty', () => {
    const path = join(dir, 'shell-state.json');
    writeFileSync(path, '{nope');
    const flags = fileFlags(path);
    expect(flags.get(TRAY_NOTICE_FLAG)).toBe(false);
    flags.set(TRAY_NOTICE_FLAG);
    expect(fileFlags(path).get(TRAY_NOTICE_FLAG)).toBe(true);
  });
});

describe('window controller', () => {
  it('creates one window, re-shows it, and recreates it after it closed', () => {
    const windows: ReturnType<typeof fakeWindow>[] = [];
    const controller = createWindowController(() => {
      const window = fakeWindow();
      windows.push(window);
      return window as never;
    });
    controller.show();
    controller.show();
    expect(windows).toHaveLength(1);
    expect(windows[0]!.show).toHaveBeenCalledOnce();
    windows[0]!.emit('closed');
    controller.show();
    expect(windows).toHaveLength(2);
  });

  it('opens a task in the page, waiting for a page still loading', () => {
    const window = fakeWindow();
    const controller = createWindowController(() => window as never);
    controller.show();
    controller.openTask('t1');
    expect(window.webContents.send).toHaveBeenCalledWith(OPEN_TASK_CHANNEL, 't1');
    window.webContents.isLoading.mockReturnValue(true);
    controller.openTask('t2');
    expect(window.webContents.send).toHaveBeenCalledTimes(1);
    window.webContents.emit('did-finish-load');
    expect(window.webContents.send).toHaveBeenLastCalledWith(OPEN_TASK_CHANNEL, 't2');
    expect(OPEN_TASK_CHANNEL).toBe(PRELOAD_OPEN_TASK_CHANNEL);
  });

  it('is focused only when visible, not minimised and focused', () => {
    const window = fakeWindow();
    const controller = createWindowController(() => window as never);
    expect(controller.isFocused()).toBe(false);
    controller.show();
    expect(controller.isFocused()).toBe(true);
    window.isVisible.mockReturnValue(false);
    expect(controller.isFocused()).toBe(false);
  });
});
