import { requestNotificationPermission } from '../notify/index.ts';

/**
 * Headless mode shows notifications with the browser's Notification API, which needs the
 * user's permission, asked from a click. Electron shows native notifications: nothing to ask.
 * Call it synchronously from the click handler (the browser wants the user's gesture).
 */
export function askNotificationPermission(): Promise<NotificationPermission | 'unsupported'> {
  if (window.clawdesk) return Promise.resolve('granted');
  return requestNotificationPermission().catch(() => 'default' as const);
}
