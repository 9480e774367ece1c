import type { ElectronApplication } from '@playwright/test';

/**
 * The tray and notifications, read through the main process. Neither can be reached from the
 * page, and neither has an API that lists what the app made, so these wrap Electron's own
 * classes in the running app: every menu the tray is given, and every notification shown, is
 * kept on `globalThis` for the test to read and click. The objects are Electron's, built by
 * ClawDesk's code; only the OS's display of them is left out (xvfb has no tray host and no
 * notification service).
 */
interface Kept {
  trayMenu?: Electron.Menu;
  shownNotifications?: Electron.Notification[];
}

export async function watchTrayMenu(app: ElectronApplication): Promise<void> {
  await app.evaluate(({ Tray }) => {
    const kept = globalThis as Kept;
    const original = Tray.prototype.setContextMenu;
    Tray.prototype.setContextMenu = function (this: Electron.Tray, menu: Electron.Menu | null) {
      if (menu) kept.trayMenu = menu;
      return original.call(this, menu);
    };
  });
}

export interface TrayItem {
  id: string | undefined;
  label: string;
  enabled: boolean;
  type: string;
}

export function trayItems(app: ElectronApplication): Promise<TrayItem[]> {
  return app.evaluate(() =>
    ((globalThis as Kept).trayMenu?.items ?? []).map((item) => ({
      id: item.id,
      label: item.label,
      enabled: item.enabled,
      type: item.type,
    })),
  );
}

export async function clickTrayItem(app: ElectronApplication, id: string): Promise<void> {
  await app.evaluate((_electron, itemId) => {
    const item = (globalThis as Kept).trayMenu?.getMenuItemById(itemId);
    if (!item) throw new Error(`the tray menu has no item ${itemId}`);
    item.click();
  }, id);
}

export async function watchNotifications(app: ElectronApplication): Promise<void> {
  await app.evaluate(({ Notification }) => {
    const kept = globalThis as Kept;
    kept.shownNotifications = [];
    Notification.isSupported = () => true;
    Notification.prototype.show = function (this: Electron.Notification) {
      kept.shownNotifications!.push(this);
    };
  });
}
