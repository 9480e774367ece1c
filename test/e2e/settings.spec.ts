import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { watchConsole } from './support/console-guard.ts';
import { closedPort, startHeadless, type HeadlessProcess } from './support/headless.ts';

/**
 * The settings view against a server of its own (the changes here must not reach the
 * shared one). No message is sent, so the gateway need not run; no token at start, so the
 * token is kept in the data folder's 0600 file.
 */
test.describe.configure({ mode: 'serial' });

const SCREENSHOT = resolve(import.meta.dirname, '../../test-results/screenshots/settings.png');
const TOKEN = 'sk-e2e-secret-4a1f9c';

let server: HeadlessProcess;
let gatewayUrl: string;

test.beforeAll(async () => {
  gatewayUrl = `http://127.0.0.1:${await closedPort()}`;
  server = await startHeadless({ name: 'settings', gatewayUrl, gatewayToken: '' });
});

test.afterAll(async () => {
  await server?.stop();
});

/** The settings page's handles, by accessible name. */
function settingsPage(page: Page) {
  const field = (name: string) => page.getByLabel(name, { exact: true });
  return {
    gatewayUrl: field('Gateway URL'),
    token: field('Gateway token'),
    tokenState: page.getByTestId('token-state'),
    tokenStorage: page.getByTestId('token-storage'),
    clearToken: page.getByRole('button', { name: 'Clear token' }),
    agentId: field('Agent id'),
    perWindow: field('Requests per window'),
    windowSeconds: field('Window (seconds)'),
    maxConcurrent: field('Concurrent requests'),
    workers: field('Workers'),
    attempts: field('Attempts per task'),
    maxUnfinished: field('Max unfinished tasks'),
    interactiveTotal: field('Interactive: whole run (minutes)'),
    retention: field('Keep finished tasks (days)'),
    cache: field('Reuse identical answers'),
    notifications: field('Notify when a task finishes or fails'),
    language: field('Language'),
    toolsEnabled: field('Let the agent use local tools'),
    toolsWorkspace: field('Tools workspace folder'),
    tool: (name: string) => field(name),
    save: page.getByRole('button', { name: 'Save' }),
    saved: page.getByTestId('settings-status'),
    problem: page.getByTestId('settings-problem'),
    /** Loads the page and opens Settings from the view switcher. */
    async open(): Promise<void> {
      await page.goto(server.url);
      await page
        .getByRole('navigation', { name: 'Views' })
        .getByRole('button', { name: 'Settings' })
        .click();
      await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
      await expect(this.gatewayUrl).toBeVisible();
    },
  };
}

test('Settings show the current values, with the token not set and where it would be kept', async ({
  page,
}) => {
  const problems = watchConsole(page);
  const settings = settingsPage(page);
  await settings.open();
  await expect(settings.gatewayUrl).toHaveValue(gatewayUrl);
  await expect(settings.agentId).toHaveValue('main');
  await expect(settings.perWindow).toHaveValue('40');
  await expect(settings.windowSeconds).toHaveValue('60');
  await expect(settings.maxConcurrent).toHaveValue('5');
  await expect(settings.workers).toHaveValue('5');
  await expect(settings.attempts).toHaveValue('3');
  await expect(settings.maxUnfinished).toHaveValue('10000');
  await expect(settings.interactiveTotal).toHaveValue('30');
  await expect(settings.retention).toHaveValue('7');
  await expect(settings.cache).not.toBeChecked();
  await expect(settings.language).toHaveValue('system');
  await expect(settings.token).toHaveValue('');
  await expect(settings.token).toHaveAttribute('type', 'password');
  await expect(settings.tokenState).toHaveText('Token: not set');
  await expect(settings.tokenStorage).toHaveText(
    'Kept in a file only you can read (0600) in the data folder.',
  );
  await expect(settings.clearToken).toBeDisabled();
  expect(problems).toEqual([]);
});

test('an invalid URL and an out-of-range limit get messages; nothing is saved', async ({
  page,
}) => {
  const settings = settingsPage(page);
  await settings.open();
  await settings.gatewayUrl.fill('not a url');
  await settings.maxConcurrent.fill('500');
  await settings.save.click();

  await expect(settings.gatewayUrl).toHaveAttribute('aria-invalid', 'true');
  await expect(settings.gatewayUrl).toHaveAccessibleDescription(
    'Enter a URL such as http://127.0.0.1:18790.',
  );
  await expect(settings.maxConcurrent).toHaveAccessibleDescription(
    'Enter a whole number from 1 to 64.',
  );
  await expect(settings.problem).toHaveText('Some fields need fixing; nothing was saved.');
  await expect(settings.problem).toHaveRole('alert');
  await expect(settings.saved).toHaveText('');

  // Fixing a field takes its message away.
  await settings.maxConcurrent.fill('4');
  await expect(settings.maxConcurrent).not.toHaveAttribute('aria-invalid', 'true');

  await settings.open();
  await expect(settings.gatewayUrl).toHaveValue(gatewayUrl);
  await expect(settings.maxConcurrent).toHaveValue('5');
});

test('changed limits are saved and read back after a reload', async ({ page }) => {
  const settings = settingsPage(page);
  await settings.open();
  await settings.perWindow.fill('7');
  await settings.windowSeconds.fill('30');
  await settings.maxConcurrent.fill('2');
  await settings.interactiveTotal.fill('45');
  await settings.retention.fill('14');
  await settings.cache.check();
  await settings.save.click();
  await expect(settings.saved).toHaveText('Saved');
  await expect(settings.saved).toHaveRole('status');

  await settings.open();
  await expect(settings.perWindow).toHaveValue('7');
  await expect(settings.windowSeconds).toHaveValue('30');
  await expect(settings.maxConcurrent).toHaveValue('2');
  await expect(settings.interactiveTotal).toHaveValue('45');
  await expect(settings.retention).toHaveValue('14');
  await expect(settings.cache).toBeChecked();
  // Untouched fields kept their values.
  await expect(settings.workers).toHaveValue('5');
  await expect(settings.gatewayUrl).toHaveValue(gatewayUrl);

  // Saving again with nothing changed sends nothing.
  await settings.save.click();
  await expect(settings.saved).toHaveText('Nothing changed');
});

test('local tools: turned on, write_file denied, kept after a reload', async ({ page }) => {
  const settings = settingsPage(page);
  await settings.open();
  await expect(settings.toolsEnabled).not.toBeChecked();
  // Left empty, the server shows the folder it uses: the data folder's workspace.
  await expect(settings.toolsWorkspace).toHaveValue(/[\\/]workspace$/);
  const workspace = await settings.toolsWorkspace.inputValue();
  // No override yet: each tool shows its default.
  await expect(settings.tool('read_file')).toHaveValue('allow');
  await expect(settings.tool('list_directory')).toHaveValue('allow');
  await expect(settings.tool('write_file')).toHaveValue('ask');
  await expect(settings.tool('exec_python')).toHaveValue('ask');
  // What confines exec tools here is said in words; network is off for both by default.
  await expect(page.getByTestId('tool-sandbox')).toContainText('exec_command and exec_python');
  await expect(settings.tool('exec_python may use the network')).not.toBeChecked();

  // A relative folder is refused next to the field.
  await settings.toolsWorkspace.fill('relative/folder');
  await settings.save.click();
  await expect(settings.toolsWorkspace).toHaveAttribute('aria-invalid', 'true');
  await expect(settings.problem).toHaveText('Some fields need fixing; nothing was saved.');
  await settings.toolsWorkspace.fill(workspace);

  await settings.toolsEnabled.check();
  await settings.tool('write_file').selectOption({ label: 'Deny' });
  await settings.save.click();
  await expect(settings.saved).toHaveText('Saved');

  await settings.open();
  await expect(settings.toolsEnabled).toBeChecked();
  await expect(settings.tool('write_file')).toHaveValue('deny');
  await expect(settings.tool('read_file')).toHaveValue('allow');
  await expect(settings.tool('exec_command')).toHaveValue('ask');
  await expect(settings.toolsWorkspace).toHaveValue(workspace);
});

test('a token is written, shown only as "set", never sent back; Clear token removes it', async ({
  page,
}) => {
  const settings = settingsPage(page);
  await settings.open();
  await settings.token.fill(TOKEN);
  await settings.save.click();
  await expect(settings.saved).toHaveText('Saved');
  await expect(settings.tokenState).toHaveText('Token: set');
  await expect(settings.token).toHaveValue('');

  await settings.open();
  await expect(settings.tokenState).toHaveText('Token: set');
  await expect(settings.token).toHaveValue('');
  await expect(settings.token).toHaveAttribute('placeholder', 'set — type to replace');
  expect(await page.content()).not.toContain(TOKEN);
  const fieldValues = await page
    .locator('input')
    .evaluateAll((inputs) => inputs.map((i) => (i as unknown as { value: string }).value));
  expect(fieldValues.join('\n')).not.toContain(TOKEN);

  await settings.clearToken.click();
  await expect(settings.saved).toHaveText('Token cleared');
  await expect(settings.tokenState).toHaveText('Token: not set');
  await expect(settings.clearToken).toBeDisabled();
});

test('switching the language to 简体中文 translates the page, and back', async ({ page }) => {
  const settings = settingsPage(page);
  await settings.open();
  // Tall enough for the whole form (it scrolls inside the window).
  await page.setViewportSize({ width: 1280, height: 1500 });
  await page.screenshot({ path: SCREENSHOT });
  await page.setViewportSize({ width: 1280, height: 720 });

  await settings.language.selectOption({ label: '简体中文' });
  await settings.save.click();
  await expect(page.getByRole('heading', { level: 1, name: '设置' })).toBeVisible();
  await expect(page.getByLabel('网关地址', { exact: true })).toHaveValue(gatewayUrl);
  await expect(page.getByLabel('每个时间窗口的请求数', { exact: true })).toHaveValue('7');
  await expect(page.getByTestId('settings-status')).toHaveText('已保存');
  await expect(page.getByRole('button', { name: '保存' })).toBeVisible();
  await page.screenshot({ path: SCREENSHOT.replace('settings.png', 'settings-zh-CN.png') });

  // Kept: a reload comes back in Chinese.
  await page.reload();
  await page.getByRole('navigation').getByRole('button', { name: '设置' }).click();
  await expect(page.getByLabel('语言', { exact: true })).toHaveValue('zh-CN');
  await page.getByLabel('语言', { exact: true }).selectOption({ label: 'English' });
  await page.getByRole('button', { name: '保存' }).click();
  await expect(settings.saved).toHaveText('Saved');
  await expect(settings.gatewayUrl).toBeVisible();
});

test('turning notifications on asks the browser from that click; a refusal is explained', async ({
  page,
}) => {
  // The browser's answer is scripted: headless Chromium would not show a prompt.
  await page.addInitScript(() => {
    // Runs in the page; typed loosely because the test project has no DOM typings.
    const win = globalThis as unknown as {
      notificationAsks: number;
      Notification: { requestPermission(): Promise<string> };
    };
    win.notificationAsks = 0;
    Object.defineProperty(win.Notification, 'permission', { get: () => 'default' });
    win.Notification.requestPermission = () => {
      win.notificationAsks += 1;
      return Promise.resolve('denied');
    };
  });
  const settings = settingsPage(page);
  await settings.open();
  await expect(settings.notifications).toBeChecked();
  await settings.notifications.uncheck();
  await settings.save.click();
  await expect(settings.saved).toHaveText('Saved');
  const asks = () =>
    page.evaluate(() => (globalThis as unknown as { notificationAsks: number }).notificationAsks);
  expect(await asks()).toBe(0);

  await settings.open();
  await expect(settings.notifications).not.toBeChecked();
  await settings.notifications.check();
  await expect.poll(asks).toBe(1);
  await expect(settings.notifications).toHaveAccessibleDescription(
    'The browser blocks notifications for this page; allow them in its site settings.',
  );
  await settings.save.click();
  await expect(settings.saved).toHaveText('Saved');
});
