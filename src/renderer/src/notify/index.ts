export { useTaskNotifications } from './use-task-notifications.ts';
export { connectTaskNotifications } from './connect.ts';
export {
  approvalNotice,
  browserNotificationApi,
  createBrowserTaskNotifier,
  requestNotificationPermission,
  taskNotice,
} from './task-notifier.ts';
export type { BrowserTaskNotifier, NotificationApi, Permission } from './task-notifier.ts';
