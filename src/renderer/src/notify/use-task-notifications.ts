import { useEffect } from 'react';
import type { ClawDeskApi } from '../../../shared/ipc-contract.ts';
import { i18next } from '../i18n/index.ts';
import { useUi } from '../store/ui-store.ts';
import type { OpenTaskSource } from './connect.ts';
import { connectTaskNotifications } from './connect.ts';
import { browserNotificationApi } from './task-notifier.ts';

/**
 * Task notifications and "open this task" requests; mount once, at the top of the app, with
 * the page's API. In Electron it opens the tasks main's native notifications and tray point
 * at; in a browser (headless mode) it shows browser notifications after permission.
 */
export function useTaskNotifications(api: Pick<ClawDeskApi, 'invoke' | 'onEvent'>): void {
  useEffect(
    () =>
      connectTaskNotifications({
        api,
        preload: window.clawdesk as OpenTaskSource | undefined,
        notificationApi: browserNotificationApi(),
        isPageFocused: () => document.visibilityState === 'visible' && document.hasFocus(),
        focusWindow: () => window.focus(),
        openTask: (taskId) => useUi.getState().openTask(taskId),
        language: () => i18next.language,
      }),
    [api],
  );
}
