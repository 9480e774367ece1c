import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { API_METHODS, ipcChannel } from '../../src/shared/ipc-contract.ts';

/**
 * main.ts is only wiring; with a mocked electron and core this checks the wiring: paths,
 * database location, settings from the environment, IPC, window, quit sequence.
 */
const h = vi.hoisted(() => ({
  app: undefined as (EventEmitter & Record<string, ReturnType<typeof vi.fn>>) | undefined,
  windows: [] as (EventEmitter & {
    options: { webPreferences: { preload: string } };
    hide: ReturnType<typeof vi.fn>;
    webContents: EventEmitter & { send: ReturnType<typeof vi.fn> };
  })[],
  userData: '',
  trays: [] as { menu: { template: { id?: string; click?: () => void }[] } | null }[],
  notifications: [] as (EventEmitter & { options: { title: string; body: string } })[],
  handlers: new Map<string, unknown>(),
  forks: [] as string[],
  createCore: vi.fn(),
  core: {
    dispatch: vi.fn(),
    onEvent: vi.fn((_listener: (event: unknown) => void) => () => {}),
    close: vi.fn(),
  },
  showErrorBox: vi.fn(),
  protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
  ready: undefined as unknown as () => void,
}));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const app = Object.assign(new Emitter(), {
    isPackaged: true,
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: vi.fn(() => new Promise<void>((resolve) => (h.ready = resolve))),
    getPath: vi.fn(() => h.userData),
    setPath: vi.fn((_name: string, path: string) => (h.userData = path)),
    getLocale: () => 'en-US',
    quit: vi.fn(),
    exit: vi.fn(),
  });
  h.app = app as never;
  class BrowserWindow extends Emitter {
    webContents = Object.assign(new Emitter(), {
      setWindowOpenHandler: vi.fn(),
      isLoading: () => false,
      send: vi.fn(),
    });
    options: unknown;
    constructor(options: unknown) {
      super();
      this.options = options;
      h.windows.push(this as never);
    }
    loadFile = vi.fn(() => Promise.resolve());
    loadURL = vi.fn(() => Promise.resolve());
    show = vi.fn();
    hide = vi.fn();
    focus = vi.fn();
    restore = vi.fn();
    isMinimized = () => false;
    isDestroyed = () => false;
    isVisible = () => true;
    isFocused = () => false;
  }
  class Tray extends Emitter {
    menu: unknown = null;
    constructor() {
      super();
      h.trays.push(this as never);
    }
    setImage() {}
    setToolTip() {}
    setContextMenu(menu: unknown) {
      this.menu = menu;
    }
    destroy() {}
  }
  class Notification extends Emitter {
    static isSupported = () => true;
    options: unknown;
    constructor(options: unknown) {
      super();
      this.options = options;
    }
    show() {
      h.notifications.push(this as never);
    }
  }
  const key = 0x5a;
  const safeStorage = {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'gnome_libsecret',
    encryptString: (text: string) => Buffer.from(text).map((b) => b ^ key),
    decryptString: (data: Buffer) => Buffer.from(data.map((b) => b ^ key)).toString(),
  };
  const session = {
    webRequest: { onHeadersReceived: vi.fn() },
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
  };
  return {
    app,
    BrowserWindow,
    Tray,
    Notification,
    safeStorage,
    Menu: { buildFromTemplate: (template: unknown) => ({ template }) },
    nativeImage: { createFromBuffer: () => ({ addRepresentation: () => {} }) },
    dialog: { showErrorBox: h.showErrorBox },
    ipcMain: {
      handle: (channel: string, fn: unknown) => h.handlers.set(channel, fn),
      removeHandler: vi.fn(),
    },
    MessageChannelMain: vi.fn(),
    protocol: h.protocol,
    session: { defaultSession: session },
    shell: { openExternal: vi.fn() },
    utilityProcess: {
      fork: (path: string) => {
        h.forks.push(path);
        return Object.assign(new Emitter(), { stdout: null, stderr: null });
      },
    },
  };
});
vi.mock('../../src/main/core/core.ts', () => ({ createCore: h.createCore }));

const tick = () => new Promise((r) => setImmediate(r));
const mainDir = resolve(import.meta.dirname, '../../src/main/electron');

async function startMain(env: Record<string, string> = {}): Promise<void> {
  vi.resetModules();
  // The electron mock outlives resetModules: forget the previous run's listeners.
  h.app?.removeAllListeners();
  Object.assign(process.env, env);
  await import('../../src/main/electron/main.ts');
  h.ready();
  await tick();
}

beforeEach(() => {
  h.userData = mkdtempSync(join(tmpdir(), 'clawdesk-main-'));
  h.trays.length = 0;
  h.notifications.length = 0;
  h.windows.length = 0;
  h.handlers.clear();
  h.forks.length = 0;
  h.createCore.mockReset().mockReturnValue(h.core);
  h.protocol.registerSchemesAsPrivileged.mockReset();
  h.protocol.handle.mockReset();
  h.core.close.mockReset().mockResolvedValue(undefined);
  h.core.dispatch.mockReset().mockImplementation(async (method: string) => ({
    ok: true,
    result:
      method === 'tasks.list' ? { tasks: [], total: 0 } : { notifications: { enabled: true } },
  }));
  h.core.onEvent.mockReset().mockReturnValue(() => {});
});
afterEach(() => {
  delete process.env.CLAWDESK_GATEWAY_URL;
  delete process.env.CLAWDESK_AGENT_ID;
  delete process.env.CLAWDESK_GATEWAY_TOKEN;
  delete process.env.CLAWDESK_UI_TOKEN;
  delete process.env.CLAWDESK_DATA_DIR;
  rmSync(h.userData, { recursive: true, force: true });
});

describe('electron main wiring', () => {
  it('starts the core on the userData database with settings from the environment', async () => {
    await startMain({ CLAWDESK_GATEWAY_URL: 'http://10.0.0.5:18790/v1', CLAWDESK_AGENT_ID: 'ops' });
    const options = h.createCore.mock.calls[0]?.[0];
    expect(options.dbPath).toBe(join(h.userData, 'clawdesk.sqlite'));
    expect(options.settings.gateway).toMatchObject({
      url: 'http://10.0.0.5:18790',
      agentId: 'ops',
    });
    options.spawnWorker();
    expect(h.forks).toEqual([join(mainDir, 'worker.js')]);
  });

  it('opens one secure window with the bundled preload and registers every IPC method', async () => {
    await startMain();
    expect(h.windows).toHaveLength(1);
    expect(h.windows[0]!.options.webPreferences.preload).toBe(
      join(mainDir, '../preload/index.cjs'),
    );
    expect([...h.handlers.keys()].sort()).toEqual(API_METHODS.map(ipcChannel).sort());
    h.app!.emit('second-instance');
    expect(h.windows).toHaveLength(1);
  });

  it('serves the page from app://clawdesk/ with the CSP, never from file://', async () => {
    await startMain();
    expect(h.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({ scheme: 'app' }),
    ]);
    expect(h.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    const window = h.windows[0] as unknown as { loadURL: ReturnType<typeof vi.fn> };
    expect(window.loadURL).toHaveBeenCalledWith('app://clawdesk/index.html');
    const handler = h.protocol.handle.mock.calls[0]?.[1] as (r: Request) => Promise<Response>;
    // The handler serves the built renderer next to out/main (out/renderer).
    const outside = await handler(new Request('app://clawdesk/..%2f..%2fpackage.json'));
    expect(outside.status).toBe(403);
  });

  it('keeps its data in CLAWDESK_DATA_DIR when it is set', async () => {
    const usual = h.userData;
    const chosen = mkdtempSync(join(tmpdir(), 'clawdesk-chosen-'));
    await startMain({ CLAWDESK_DATA_DIR: chosen });
    expect(h.app!.setPath).toHaveBeenCalledWith('userData', chosen);
    expect(h.createCore.mock.calls[0]?.[0].dbPath).toBe(join(chosen, 'clawdesk.sqlite'));
    rmSync(usual, { recursive: true, force: true });
  });

  it('holds the quit until the core has closed', async () => {
    await startMain();
    const event = { preventDefault: vi.fn() };
    h.app!.emit('before-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(h.core.close).toHaveBeenCalledOnce();
    await tick();
    expect(h.app!.quit).toHaveBeenCalled();
    const again = { preventDefault: vi.fn() };
    h.app!.emit('before-quit', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });

  it('tells the user and exits when the settings are unusable', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    await startMain({ CLAWDESK_GATEWAY_URL: 'ftp://nope' });
    error.mockRestore();
    expect(h.createCore).not.toHaveBeenCalled();
    expect(h.showErrorBox).toHaveBeenCalledWith(
      'ClawDesk could not start',
      expect.stringContaining('http'),
    );
    expect(h.app!.exit).toHaveBeenCalledWith(1);
  });
});

describe('electron main: tray, secrets, notifications', () => {
  const trayItem = (id: string) => h.trays[0]!.menu!.template.find((item) => item.id === id)!;

  it('takes the tokens out of the environment at load and never stores the gateway token', async () => {
    await startMain({ CLAWDESK_GATEWAY_TOKEN: 'sk-seeded-secret', CLAWDESK_UI_TOKEN: 'ui-secret' });
    // Chromium's processes and the workers inherit the environment: it no longer holds them.
    expect(process.env.CLAWDESK_GATEWAY_TOKEN).toBeUndefined();
    expect(process.env.CLAWDESK_UI_TOKEN).toBeUndefined();
    const secrets = h.createCore.mock.calls[0]?.[0]?.secrets;
    expect(secrets.kind).toBe('environment');
    expect(secrets.get()).toBe('sk-seeded-secret');
    expect(existsSync(join(h.userData, 'gateway-token.enc'))).toBe(false);
  });

  it('sets umask 077 at load: what it creates from then on is the user’s alone', async () => {
    const before = process.umask(0o022);
    try {
      await startMain();
      // process.umask(mask) answers the mask it replaces: the one main.ts set.
      expect(process.umask(before)).toBe(0o077);
    } finally {
      process.umask(before);
    }
  });

  it('hides the window on close, says so once, and keeps running', async () => {
    await startMain();
    expect(h.trays).toHaveLength(1);
    const window = h.windows[0]!;
    const first = { preventDefault: vi.fn() };
    window.emit('close', first);
    expect(first.preventDefault).toHaveBeenCalled();
    expect(window.hide).toHaveBeenCalledOnce();
    expect(h.notifications.map((n) => n.options.title)).toEqual([
      'ClawDesk keeps running in the tray',
    ]);
    window.emit('close', { preventDefault: vi.fn() });
    expect(h.notifications).toHaveLength(1);
    h.app!.emit('window-all-closed');
    expect(h.app!.quit).not.toHaveBeenCalled();
  });

  it('Quit from the tray closes the core, then lets the window close', async () => {
    await startMain();
    const app = h.app!;
    app.quit!.mockImplementation(() => app.emit('before-quit', { preventDefault: vi.fn() }));
    trayItem('quit').click?.();
    expect(h.core.close).toHaveBeenCalledOnce();
    await tick();
    expect(h.app!.quit).toHaveBeenCalledTimes(2);
    const close = { preventDefault: vi.fn() };
    h.windows[0]!.emit('close', close);
    expect(close.preventDefault).not.toHaveBeenCalled();
  });

  it('a finished task notifies, and the click opens it in the window', async () => {
    await startMain();
    // The core's listeners: the event port, the tray and the notifications.
    const listeners = h.core.onEvent.mock.calls.map(([listener]) => listener);
    const task = {
      id: 't7',
      conversationId: 'c1',
      lane: 'long',
      state: 'succeeded',
      prompt: 'Write the report',
      output: 'done',
      error: null,
      attempts: 1,
      maxAttempts: 3,
      createdAt: 1,
      updatedAt: 2,
      finishedAt: 2,
    };
    for (const listener of listeners) listener({ type: 'task', task });
    const notice = h.notifications.find((n) => n.options.title === 'Task finished')!;
    expect(notice.options.body).toBe('Write the report');
    notice.emit('click');
    expect(h.windows[0]!.webContents.send).toHaveBeenCalledWith('clawdesk:open-task', 't7');
  });
});

describe('closeBeforeQuit', () => {
  it('quits anyway when closing hangs', async () => {
    vi.useFakeTimers();
    try {
      const { closeBeforeQuit } = await import('../../src/main/electron/lifecycle.ts');
      const app = Object.assign(new EventEmitter(), { quit: vi.fn() });
      const log = vi.fn();
      closeBeforeQuit(app as never, () => new Promise(() => {}), log, 1_000);
      app.emit('before-quit', { preventDefault: vi.fn() });
      await vi.advanceTimersByTimeAsync(999);
      expect(app.quit).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(app.quit).toHaveBeenCalledOnce();
      expect(log).toHaveBeenCalledWith(expect.stringContaining('quitting anyway'));
    } finally {
      vi.useRealTimers();
    }
  });
});
