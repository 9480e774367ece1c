import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Session, WebContents } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';

/** Small stand-ins for the Electron objects the security code touches. */
const fakes = vi.hoisted(() => ({ openExternal: vi.fn() }));

class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
}

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  class BrowserWindow extends Emitter {
    readonly webContents = new FakeWebContents();
    readonly loaded: string[] = [];
    readonly options: unknown;
    constructor(options: unknown) {
      super();
      this.options = options;
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
    loadFile(path: string) {
      this.loaded.push(path);
      return Promise.resolve();
    }
    show() {}
    isDestroyed() {
      return false;
    }
  }
  return { BrowserWindow, shell: { openExternal: fakes.openExternal } };
});

const { createMainWindow, secureWebPreferences } =
  await import('../../src/main/electron/window.ts');
const security = await import('../../src/main/electron/security.ts');
const { isOwnUrl, resolveRendererLocation } =
  await import('../../src/main/electron/renderer-location.ts');

const indexPath = join('/opt/ClawDesk/resources/app/out/renderer', 'index.html');
const appRenderer = resolveRendererLocation({
  devServerUrl: undefined,
  isPackaged: true,
  indexPath,
});
const ownUrl = 'app://clawdesk/index.html';
/** The very file the app serves, as a file:// URL: not ours (any file page could be). */
const ownFileUrl = pathToFileURL(indexPath).href;

function navigate(contents: EventEmitter, url: string, isMainFrame = true) {
  const event = { url, isMainFrame, isSameDocument: false, preventDefault: vi.fn() };
  contents.emit(isMainFrame ? 'will-navigate' : 'will-frame-navigate', event);
  if (!isMainFrame) return event;
  // Electron emits will-frame-navigate for the main frame as well.
  contents.emit('will-frame-navigate', event);
  return event;
}

beforeEach(() => {
  fakes.openExternal.mockReset();
});

describe('main window', () => {
  it('isolates and sandboxes the page, with no Node in it', () => {
    const window = createMainWindow({
      preloadPath: '/out/preload/index.cjs',
      renderer: appRenderer,
    });
    const prefs = (window as unknown as { options: { webPreferences: Record<string, unknown> } })
      .options.webPreferences;
    expect(prefs).toMatchObject({
      preload: '/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(secureWebPreferences('/p')).toEqual({ ...prefs, preload: '/p' });
  });

  it('loads app://clawdesk/ when packaged, even if a dev server URL is set', async () => {
    const renderer = resolveRendererLocation({
      devServerUrl: 'http://localhost:5173',
      isPackaged: true,
      indexPath,
    });
    expect(renderer).toEqual({
      kind: 'app',
      root: join('/opt/ClawDesk/resources/app/out/renderer'),
      url: ownUrl,
    });
    const window = createMainWindow({ preloadPath: '/p', renderer });
    expect((window as unknown as { loaded: string[] }).loaded).toEqual([ownUrl]);
  });

  it('loads the dev server in development, but only on loopback', () => {
    const dev = resolveRendererLocation({
      devServerUrl: 'http://localhost:5173/',
      isPackaged: false,
      indexPath,
    });
    expect(dev).toMatchObject({ kind: 'dev', origin: 'http://localhost:5173' });
    const remote = resolveRendererLocation({
      devServerUrl: 'https://evil.example/',
      isPackaged: false,
      indexPath,
    });
    expect(remote.kind).toBe('app');
  });

  it('denies window.open and sends only web links to the browser', () => {
    const window = createMainWindow({ preloadPath: '/p', renderer: appRenderer });
    const contents = window.webContents as unknown as FakeWebContents;
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/doc' })).toEqual({
      action: 'deny',
    });
    expect(contents.windowOpenHandler?.({ url: 'file:///etc/passwd' })).toEqual({
      action: 'deny',
    });
    expect(contents.windowOpenHandler?.({ url: 'javascript:alert(1)' })).toEqual({
      action: 'deny',
    });
    expect(fakes.openExternal.mock.calls).toEqual([['https://example.com/doc']]);
  });

  it('blocks navigation away from our page and allows a reload of it', () => {
    const window = createMainWindow({ preloadPath: '/p', renderer: appRenderer });
    const contents = window.webContents as unknown as FakeWebContents;
    expect(navigate(contents, `${ownUrl}#/tasks`).preventDefault).not.toHaveBeenCalled();
    expect(navigate(contents, 'file:///home/user/evil.html').preventDefault).toHaveBeenCalled();
    expect(navigate(contents, ownFileUrl).preventDefault).toHaveBeenCalled();
    expect(navigate(contents, 'app://elsewhere/index.html').preventDefault).toHaveBeenCalled();
    expect(navigate(contents, 'https://example.com/').preventDefault).toHaveBeenCalled();
    expect(navigate(contents, 'https://example.com/', false).preventDefault).toHaveBeenCalled();
    // A clicked web link opens once, in the browser.
    expect(fakes.openExternal.mock.calls).toEqual([['https://example.com/']]);
  });
});

describe('isOwnUrl', () => {
  it('accepts only app://clawdesk/ for the built renderer, and no file:// page', () => {
    expect(isOwnUrl(appRenderer, ownUrl)).toBe(true);
    expect(isOwnUrl(appRenderer, `${ownUrl}?x=1#/a`)).toBe(true);
    expect(isOwnUrl(appRenderer, 'app://clawdesk/assets/index.js')).toBe(true);
    expect(isOwnUrl(appRenderer, 'app://other/index.html')).toBe(false);
    expect(isOwnUrl(appRenderer, 'apps://clawdesk/index.html')).toBe(false);
    expect(isOwnUrl(appRenderer, ownFileUrl)).toBe(false);
    expect(isOwnUrl(appRenderer, pathToFileURL('/opt/ClawDesk/other.html').href)).toBe(false);
    expect(isOwnUrl(appRenderer, 'http://localhost:5173/')).toBe(false);
    expect(isOwnUrl(appRenderer, 'not a url')).toBe(false);
  });

  it('accepts only the dev server origin for a dev renderer', () => {
    const dev = resolveRendererLocation({
      devServerUrl: 'http://127.0.0.1:5173',
      isPackaged: false,
      indexPath,
    });
    expect(isOwnUrl(dev, 'http://127.0.0.1:5173/index.html')).toBe(true);
    expect(isOwnUrl(dev, 'http://127.0.0.1:5174/')).toBe(false);
    expect(isOwnUrl(dev, ownUrl)).toBe(false);
  });
});

describe('session hardening', () => {
  function fakeSession() {
    const handlers: Record<string, (...args: never[]) => unknown> = {};
    const session = {
      webRequest: {
        onHeadersReceived: (listener: (...args: never[]) => unknown) => {
          handlers.headers = listener;
        },
      },
      setPermissionRequestHandler: (handler: (...args: never[]) => unknown) => {
        handlers.request = handler;
      },
      setPermissionCheckHandler: (handler: (...args: never[]) => unknown) => {
        handlers.check = handler;
      },
    };
    return { session: session as unknown as Session, handlers };
  }

  const own = (url: string) => isOwnUrl(appRenderer, url);

  it('adds a strict CSP header to our page and keeps its other headers', () => {
    const { session, handlers } = fakeSession();
    security.installContentSecurityPolicy(session, own);
    const callback = vi.fn();
    const details = { url: ownUrl, responseHeaders: { 'X-Other': ['1'] } };
    (handlers.headers as (d: unknown, cb: unknown) => void)(details, callback);
    const headers = callback.mock.calls[0]?.[0].responseHeaders;
    expect(headers['X-Other']).toEqual(['1']);
    const policy: string = headers['Content-Security-Policy'][0];
    const directives = policy.split('; ');
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ]) {
      expect(directives).toContain(directive);
    }
    expect(policy).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|\*/);
  });

  it('adds the header to a response that had none, and leaves others alone', () => {
    const { session, handlers } = fakeSession();
    security.installContentSecurityPolicy(session, own);
    const callback = vi.fn();
    const onHeaders = handlers.headers as (d: unknown, cb: unknown) => void;
    onHeaders({ url: ownUrl }, callback);
    expect(callback.mock.calls[0]?.[0].responseHeaders).toEqual({
      'Content-Security-Policy': [security.CONTENT_SECURITY_POLICY],
    });
    onHeaders({ url: 'devtools://devtools/bundled/devtools_app.html' }, callback);
    expect(callback.mock.calls[1]?.[0]).toEqual({});
  });

  it('denies every permission request and check', () => {
    const { session, handlers } = fakeSession();
    security.denyAllPermissions(session);
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal']) {
      const callback = vi.fn();
      (handlers.request as (c: unknown, p: string, cb: unknown) => void)({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
    }
    expect((handlers.check as () => boolean)()).toBe(false);
  });
});

describe('hardenWebContents (every contents the app creates)', () => {
  it('refuses webviews, windows and foreign navigation, and opens nothing', () => {
    const contents = new FakeWebContents();
    security.hardenWebContents(contents as unknown as WebContents, (url) =>
      isOwnUrl(appRenderer, url),
    );
    const attach = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', attach);
    expect(attach.preventDefault).toHaveBeenCalled();
    expect(contents.windowOpenHandler?.({ url: 'https://example.com' })).toEqual({
      action: 'deny',
    });
    expect(navigate(contents, 'https://example.com/').preventDefault).toHaveBeenCalled();
    expect(fakes.openExternal).not.toHaveBeenCalled();
  });
});
