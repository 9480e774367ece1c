import { join, resolve } from 'node:path';
import type { WebContents } from 'electron';
import { app, dialog, Notification, protocol, safeStorage, session } from 'electron';
import { pinnedFromEnv, settingsFromEnv, takeEnvironment } from '../core/config-from-env.ts';
import type { ClawDeskCore } from '../core/core.ts';
import { createCore } from '../core/core.ts';
import { fileFlags, keepInTrayOnClose } from './close-to-tray.ts';
import { attachEventPort } from './event-port.ts';
import { createSenderCheck, registerIpcHandlers } from './ipc.ts';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolHandler } from './app-protocol.ts';
import { closeBeforeQuit } from './lifecycle.ts';
import type { RendererLocation } from './renderer-location.ts';
import { isOwnUrl, resolveRendererLocation } from './renderer-location.ts';
import { createSafeStorageSecrets } from './safe-storage-secrets.ts';
import {
  CONTENT_SECURITY_POLICY,
  denyAllPermissions,
  hardenWebContents,
  installContentSecurityPolicy,
} from './security.ts';
import { startTaskNotifications } from './notifications.ts';
import type { ShellLanguage } from './shell-texts.ts';
import { followShellLanguage } from './shell-texts.ts';
import type { AppTray } from './tray.ts';
import { createAppTray } from './tray.ts';
import { spawnUtilityWorker } from './utility-worker.ts';
import { createMainWindow } from './window.ts';
import type { WindowController } from './window-controller.ts';
import { createWindowController } from './window-controller.ts';

/**
 * The Electron entry (out/main/index.js): wires the core to a window, IPC, the event port, the
 * tray and notifications. Everything with logic lives in the modules it imports, where it is
 * unit-tested.
 */

// This file is the entry chunk, so its directory is out/main whatever chunks the build makes.
const here = import.meta.dirname;
const paths = {
  preload: join(here, '../preload/index.cjs'),
  indexHtml: join(here, '../renderer/index.html'),
  worker: join(here, 'worker.js'),
};
const log = (line: string): void => console.error(`[clawdesk] ${line}`);
// At load, before Chromium starts its own processes or we fork a worker: none of them
// inherits the tokens of the environment, and what is created from now on (userData, the
// database, the token file) is the user's alone.
const env = takeEnvironment(process.env);
process.umask(0o077);
// The data folder (database, token, Chromium's own files) may be chosen as in headless mode;
// before 'ready', so Chromium's files follow it too.
if (env.CLAWDESK_DATA_DIR) app.setPath('userData', resolve(env.CLAWDESK_DATA_DIR));
// Only possible before 'ready': app:// gets real origins and may load module scripts.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

let windows: WindowController | undefined;

if (app.requestSingleInstanceLock()) {
  // A second launch brings the running app forward instead of opening the database twice.
  app.on('second-instance', () => windows?.show());
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

/** Windows shows toasts only for an app with an AppUserModelID (an installer sets the same). */
const APP_USER_MODEL_ID = 'com.clawdesk.app';

/** The page's origin, and the rules every WebContents and the session follow. */
function secureRenderer(): { renderer: RendererLocation; own: (url: string) => boolean } {
  const renderer = resolveRendererLocation({
    devServerUrl: process.env.ELECTRON_RENDERER_URL,
    isPackaged: app.isPackaged,
    indexPath: paths.indexHtml,
  });
  if (renderer.kind === 'app') {
    // The built page comes from app://clawdesk/, with the CSP on every response.
    protocol.handle(APP_SCHEME, appProtocolHandler(renderer.root, CONTENT_SECURITY_POLICY));
  }
  const own = (url: string): boolean => isOwnUrl(renderer, url);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, own));
  installContentSecurityPolicy(session.defaultSession, own);
  denyAllPermissions(session.defaultSession);
  return { renderer, own };
}

/** The core on the userData database, its token kept with safeStorage. */
function startCore(userData: string): ClawDeskCore {
  // Throws a sentence naming a bad value (never the token); shown to the user by the caller.
  const settings = settingsFromEnv(env);
  // The environment's token is used for this run and never stored, logged or sent to a page.
  const secrets = createSafeStorageSecrets({
    safeStorage,
    filePath: join(userData, 'gateway-token.enc'),
    seed: env.CLAWDESK_GATEWAY_TOKEN,
    log,
  });
  return createCore({
    dbPath: join(userData, 'clawdesk.sqlite'),
    settings,
    // What the environment says at launch wins over what Settings saved, for this run.
    pinned: pinnedFromEnv(env, {}, settings),
    secrets,
    spawnWorker: () => spawnUtilityWorker(paths.worker),
    log,
  });
}

/** What the window, the tray and the quit sequence share. */
interface Shell {
  core: ClawDeskCore;
  renderer: RendererLocation;
  language: ShellLanguage;
  userData: string;
  /** Our windows' contents: the only ones whose main frame may call the API. */
  ourContents: Set<WebContents>;
  /** Windows only close for real once the app is quitting; until then they hide to the tray. */
  quitting: boolean;
  tray: AppTray | null;
}

/** The one main window, made on demand: IPC trust, event port, close-to-tray. */
function controlWindows(shell: Shell): WindowController {
  const flags = fileFlags(join(shell.userData, 'shell-state.json'), log);
  return createWindowController(() => {
    const window = createMainWindow({ preloadPath: paths.preload, renderer: shell.renderer, log });
    const contents = window.webContents;
    shell.ourContents.add(contents);
    attachEventPort(window, shell.core);
    window.once('closed', () => shell.ourContents.delete(contents));
    window.on('focus', () => shell.tray?.acknowledge());
    // Windows log-off or shutdown: let the window close instead of holding the session up.
    window.on('session-end', () => (shell.quitting = true));
    if (shell.tray) {
      keepInTrayOnClose(window, {
        isQuitting: () => shell.quitting,
        flags,
        notify: () => {
          if (!Notification.isSupported()) return;
          new Notification(shell.language.texts().trayNotice).show();
        },
      });
    }
    return window;
  });
}

function start(): void {
  if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);
  const { renderer, own } = secureRenderer();
  const userData = app.getPath('userData');
  const core = startCore(userData);
  // The tray's and notifications' words follow the language setting (system: the OS locale).
  const language = followShellLanguage(core, app.getLocale());
  const shell: Shell = {
    core,
    renderer,
    language,
    userData,
    ourContents: new Set(),
    quitting: false,
    tray: null,
  };
  app.on('before-quit', () => (shell.quitting = true));
  closeBeforeQuit(app, () => core.close(), log);
  const isOurs = (contents: WebContents): boolean => shell.ourContents.has(contents);
  registerIpcHandlers({ core, isAllowedSender: createSenderCheck(isOurs, own), log });

  const controller = controlWindows(shell);
  windows = controller;
  shell.tray = startTray(core, controller, language);
  startTaskNotifications({
    core,
    Notification,
    texts: language.texts,
    isWindowFocused: () => controller.isFocused(),
    openTask: (taskId) => controller.openTask(taskId),
    showWindow: () => controller.show(),
    log,
  });
  controller.show();
  // With a tray the app lives on without windows; without one (no tray on this desktop),
  // closing the window ends it as before.
  app.on('window-all-closed', () => {
    if (!shell.tray && process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => controller.show());
}

function startTray(
  core: ClawDeskCore,
  controller: WindowController,
  language: ShellLanguage,
): AppTray | null {
  try {
    const tray = createAppTray({
      core,
      texts: language.texts,
      showWindow: () => controller.show(),
      openTask: (taskId) => controller.openTask(taskId),
      quit: () => app.quit(),
      log,
    });
    language.onChange(() => tray.refresh());
    return tray;
  } catch (err) {
    log(`no system tray: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}
