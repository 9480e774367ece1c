import { EventEmitter } from 'node:events';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { API_METHODS, ipcChannel } from '../../src/shared/ipc-contract.ts';

/**
 * main.ts is only wiring; with a mocked electron and core this checks the wiring: paths,
 * database location, settings from the environment, IPC, window, quit sequence.
 */
const h = vi.hoisted(() => ({
  app: undefined as (EventEmitter & Record<string, ReturnType<typeof vi.fn>>) | undefined,
  windows: [] as { options: { webPreferences: { preload: string } } }[],
  handlers: new Map<string, unknown>(),
  forks: [] as string[],
  createCore: vi.fn(),
  core: { dispatch: vi.fn(), onEvent: vi.fn(() => () => {}), close: vi.fn() },
  showErrorBox: vi.fn(),
  ready: undefined as unknown as () => void,
}));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const app = Object.assign(new Emitter(), {
    isPackaged: true,
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: vi.fn(() => new Promise<void>((resolve) => (h.ready = resolve))),
    getPath: vi.fn(() => '/home/u/.config/ClawDesk'),
    quit: vi.fn(),
    exit: vi.fn(),
  });
  h.app = app as never;
  class BrowserWindow extends Emitter {
    webContents = Object.assign(new Emitter(), { setWindowOpenHandler: vi.fn() });
    options: unknown;
    constructor(options: unknown) {
      super();
      this.options = options;
      h.windows.push(this as never);
    }
    loadFile = vi.fn(() => Promise.resolve());
    loadURL = vi.fn(() => Promise.resolve());
    show = vi.fn();
    focus = vi.fn();
    restore = vi.fn();
    isMinimized = () => false;
    isDestroyed = () => false;
  }
  const session = {
    webRequest: { onHeadersReceived: vi.fn() },
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
  };
  return {
    app,
    BrowserWindow,
    dialog: { showErrorBox: h.showErrorBox },
    ipcMain: {
      handle: (channel: string, fn: unknown) => h.handlers.set(channel, fn),
      removeHandler: vi.fn(),
    },
    MessageChannelMain: vi.fn(),
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
  h.windows.length = 0;
  h.handlers.clear();
  h.forks.length = 0;
  h.createCore.mockReset().mockReturnValue(h.core);
  h.core.close.mockReset().mockResolvedValue(undefined);
});
afterEach(() => {
  delete process.env.CLAWDESK_GATEWAY_URL;
  delete process.env.CLAWDESK_AGENT_ID;
});

describe('electron main wiring', () => {
  it('starts the core on the userData database with settings from the environment', async () => {
    await startMain({ CLAWDESK_GATEWAY_URL: 'http://10.0.0.5:18790/v1', CLAWDESK_AGENT_ID: 'ops' });
    const options = h.createCore.mock.calls[0]?.[0];
    expect(options.dbPath).toBe(join('/home/u/.config/ClawDesk', 'clawdesk.sqlite'));
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
