import { join } from 'node:path';
import type { BrowserWindow, WebContents } from 'electron';
import { app, dialog, session } from 'electron';
import { settingsFromEnv } from '../core/config-from-env.ts';
import type { ClawDeskCore } from '../core/core.ts';
import { createCore } from '../core/core.ts';
import { attachEventPort } from './event-port.ts';
import { createSenderCheck, registerIpcHandlers } from './ipc.ts';
import { closeBeforeQuit } from './lifecycle.ts';
import type { RendererLocation } from './renderer-location.ts';
import { isOwnUrl, resolveRendererLocation } from './renderer-location.ts';
import { denyAllPermissions, hardenWebContents, installContentSecurityPolicy } from './security.ts';
import { spawnUtilityWorker } from './utility-worker.ts';
import { createMainWindow } from './window.ts';

/**
 * The Electron entry (out/main/index.js): wires the core to a window, IPC and the event port.
 * Everything with logic lives in the modules it imports, where it is unit-tested.
 */

// This file is the entry chunk, so its directory is out/main whatever chunks the build makes.
const here = import.meta.dirname;
const paths = {
  preload: join(here, '../preload/index.cjs'),
  indexHtml: join(here, '../renderer/index.html'),
  worker: join(here, 'worker.js'),
};
const log = (line: string): void => console.error(`[clawdesk] ${line}`);

let showWindow: (() => void) | undefined;

if (app.requestSingleInstanceLock()) {
  // A second launch brings the running app forward instead of opening the database twice.
  app.on('second-instance', () => showWindow?.());
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      log(`could not start: ${message}`);
      dialog.showErrorBox('ClawDesk could not start', message);
      app.exit(1);
    });
} else {
  app.quit();
}

function start(): void {
  const renderer = resolveRendererLocation({
    devServerUrl: process.env.ELECTRON_RENDERER_URL,
    isPackaged: app.isPackaged,
    indexPath: paths.indexHtml,
  });
  const own = (url: string): boolean => isOwnUrl(renderer, url);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, own));
  installContentSecurityPolicy(session.defaultSession, own);
  denyAllPermissions(session.defaultSession);

  // Throws a sentence naming a bad value (never the token); shown to the user by the caller.
  const settings = settingsFromEnv(process.env);
  const core = createCore({
    dbPath: join(app.getPath('userData'), 'clawdesk.sqlite'),
    settings,
    spawnWorker: () => spawnUtilityWorker(paths.worker),
    log,
  });
  closeBeforeQuit(app, () => core.close(), log);

  const ourContents = new Set<WebContents>();
  registerIpcHandlers({
    core,
    isAllowedSender: createSenderCheck((contents) => ourContents.has(contents), own),
    log,
  });
  showWindow = windowOpener(core, renderer, ourContents);
  showWindow();

  // The tray (a later issue) will keep the app alive without windows; until then, quit.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => showWindow?.());
}

/** Shows the one main window, creating it (with IPC trust and its event port) when needed. */
function windowOpener(
  core: ClawDeskCore,
  renderer: RendererLocation,
  ourContents: Set<WebContents>,
): () => void {
  let window: BrowserWindow | null = null;
  return () => {
    if (window) {
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
      return;
    }
    const created = createMainWindow({ preloadPath: paths.preload, renderer, log });
    const contents = created.webContents;
    ourContents.add(contents);
    attachEventPort(created, core);
    created.once('closed', () => {
      ourContents.delete(contents);
      window = null;
    });
    window = created;
  };
}
