import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { BrowserWindow, shell } from 'electron';
import type { RendererLocation } from './renderer-location.ts';
import { isOwnUrl } from './renderer-location.ts';
import type { OpenExternal } from './security.ts';
import { blockForeignNavigation, denyNewWindows } from './security.ts';

/**
 * The renderer is a web page with no Node: isolated from the preload, sandboxed, and
 * reaching main only through the typed API the preload exposes.
 */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
  };
}

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 800,
    minWidth: 640,
    minHeight: 420,
    title: 'ClawDesk',
    // Shown on 'ready-to-show' so the user never sees an empty white frame.
    show: false,
    webPreferences: secureWebPreferences(preloadPath),
  };
}

export interface MainWindowOptions {
  preloadPath: string;
  renderer: RendererLocation;
  /** Where web links go; the user's browser unless a test says otherwise. */
  openExternal?: OpenExternal;
  log?: (line: string) => void;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const log = options.log ?? ((line: string) => console.error(`[clawdesk] ${line}`));
  const window = new BrowserWindow(mainWindowOptions(options.preloadPath));
  const contents = window.webContents;
  const own = (url: string): boolean => isOwnUrl(options.renderer, url);
  const openExternal = options.openExternal ?? ((url: string) => shell.openExternal(url));
  denyNewWindows(contents, openExternal);
  blockForeignNavigation(contents, own, openExternal);
  window.once('ready-to-show', () => window.show());
  loadRenderer(window, options.renderer).catch((err: unknown) => {
    log(`could not load the window: ${err instanceof Error ? err.message : String(err)}`);
    // An empty window tells the user something is wrong; an invisible app tells them nothing.
    if (!window.isDestroyed()) window.show();
  });
  return window;
}

/** The dev server's page, or app://clawdesk/index.html (never a file:// URL). */
export function loadRenderer(window: BrowserWindow, renderer: RendererLocation): Promise<void> {
  return window.loadURL(renderer.url);
}
