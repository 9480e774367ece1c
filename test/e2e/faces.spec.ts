import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { openBridge } from '../helpers/bridge-client.ts';
import { chatPage } from './support/chat-page.ts';
import { E2E_ENV, fromEnv } from './support/env.ts';

/**
 * Every view in light and dark (and the chat in 简体中文): axe-core finds no serious or
 * critical violation, every control can be reached with the keyboard, and a screenshot of
 * each lands in test-results/screenshots/faces/ (docs/ keeps two of them for the README).
 */
const SHOTS = resolve(import.meta.dirname, '../../test-results/screenshots/faces');
const VIEWS = ['chat', 'tasks', 'settings'] as const;
type View = (typeof VIEWS)[number];
const NAV: Record<View, string> = { chat: 'Chat', tasks: 'Tasks', settings: 'Settings' };

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // Something to show: a finished reply with code, a background task, a conversation list.
  const bridge = await openBridge(fromEnv(E2E_ENV.appUrl));
  const first = await bridge.call('chat.send', {
    text: 'Show a TypeScript example:\n```ts\nconst limit: number = 40;\n```',
  });
  await bridge.call('chat.send', {
    conversationId: first.conversation.id,
    text: 'Summarise the release notes',
    lane: 'long',
  });
  bridge.close();
});

async function open(page: Page, view: View, scheme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(fromEnv(E2E_ENV.appUrl));
  await expect(chatPage(page).connection).toHaveAttribute('data-status', 'online');
  await expect(chatPage(page).messages.first()).toHaveAttribute('data-state', 'succeeded');
  if (view !== 'chat') {
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: NAV[view] })
      .click();
  }
  if (view === 'tasks') {
    const row = page
      .getByRole('grid', { name: 'Task list' })
      .locator('.monitor-scroll [role="row"]');
    await row.first().click();
    await expect(page.getByTestId('task-output')).toBeVisible();
  }
  if (view === 'settings')
    await expect(page.getByLabel('Gateway URL', { exact: true })).toBeVisible();
}

/** Serious and critical findings only, each as "rule: target" for a readable failure. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

/** Visible, enabled controls that Tab cannot reach (the grid's rows rove: one is a stop). */
function unreachable(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): unknown } })
      .document;
    const all = [
      ...(doc.querySelectorAll(
        'button, a[href], select, input, textarea, [role="button"], [role="tab"]',
      ) as Iterable<{
        tabIndex: number;
        disabled?: boolean;
        outerHTML: string;
        getClientRects(): { length: number };
        closest(s: string): unknown;
      }>),
    ];
    return all
      .filter((el) => el.getClientRects().length > 0 && !el.disabled)
      .filter((el) => el.tabIndex < 0 && !el.closest('[role="tablist"]'))
      .map((el) => el.outerHTML.slice(0, 120));
  });
}

for (const scheme of ['light', 'dark'] as const) {
  for (const view of VIEWS) {
    test(`${view} (${scheme}): no serious axe violation, every control reachable, screenshot`, async ({
      page,
    }) => {
      await open(page, view, scheme);
      expect(await seriousViolations(page)).toEqual([]);
      expect(await unreachable(page)).toEqual([]);
      await page.screenshot({ path: resolve(SHOTS, `${view}-${scheme}.png`) });
    });
  }
}

test('the views in 简体中文 (screenshots)', async ({ page }) => {
  const bridge = await openBridge(fromEnv(E2E_ENV.appUrl));
  await bridge.call('settings.update', { language: 'zh-CN' });
  try {
    for (const view of VIEWS) {
      await open(page, 'chat', 'light');
      await expect(page.getByRole('button', { name: '发送', exact: true })).toBeVisible();
      if (view !== 'chat') {
        const name = view === 'tasks' ? '任务' : '设置';
        await page.getByRole('navigation', { name: '视图' }).getByRole('button', { name }).click();
        await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
      }
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: resolve(SHOTS, `${view}-zh-CN.png`) });
    }
  } finally {
    await bridge.call('settings.update', { language: 'system' });
    bridge.close();
  }
});

test('keyboard only: send, reach a reply’s actions, switch views, open a task', async ({
  page,
}) => {
  await open(page, 'chat', 'light');
  const chat = chatPage(page);
  await chat.composer.focus();
  await page.keyboard.type('typed with the keyboard');
  await page.keyboard.press('Enter');
  const message = chat.message('typed with the keyboard');
  await expect(message).toHaveAttribute('data-state', 'succeeded');
  // Shift+Tab from the composer walks back into the last message's actions.
  let reached = false;
  for (let i = 0; i < 12 && !reached; i++) {
    await page.keyboard.press('Shift+Tab');
    reached = await message
      .getByRole('button', { name: 'Copy reply' })
      .evaluate(
        (el) =>
          el ===
          (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument
            .activeElement,
      );
  }
  expect(reached).toBe(true);
  await expect(message.getByRole('button', { name: 'Copy reply' })).toBeVisible();

  const tasks = page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name: 'Tasks' });
  await tasks.focus();
  await page.keyboard.press('Enter');
  const grid = page.getByRole('grid', { name: 'Task list' });
  await expect(grid).toBeVisible();
  await page.getByRole('button', { name: 'Resume all' }).focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('task-output')).toBeVisible();
});

test('the theme follows the system until the switch pins one, kept after a reload', async ({
  page,
}) => {
  await open(page, 'chat', 'light');
  const html = page.locator('html');
  const background = () =>
    page.evaluate(() => {
      const g = globalThis as unknown as {
        document: { body: unknown };
        getComputedStyle(e: unknown): { backgroundColor: string };
      };
      return g.getComputedStyle(g.document.body).backgroundColor;
    });
  const light = await background();
  await expect(html).not.toHaveAttribute('data-theme');
  const sw = page.getByTestId('theme-switch');
  await expect(sw).toHaveAccessibleName('Theme: system');
  await sw.click();
  await expect(html).toHaveAttribute('data-theme', 'light');
  await sw.click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(sw).toHaveAccessibleName('Theme: dark');
  expect(await background()).not.toBe(light);
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  // Back to following the system, for the specs after this one.
  await sw.click();
  await expect(html).not.toHaveAttribute('data-theme');
});

test('task details: output and prompt are tabs, moved between with the arrow keys', async ({
  page,
}) => {
  await open(page, 'tasks', 'light');
  const tabs = page.getByRole('tablist', { name: 'Task details' });
  const output = tabs.getByRole('tab', { name: 'Output' });
  await expect(output).toHaveAttribute('aria-selected', 'true');
  await output.focus();
  await page.keyboard.press('ArrowRight');
  const prompt = tabs.getByRole('tab', { name: 'Prompt' });
  await expect(prompt).toHaveAttribute('aria-selected', 'true');
  await expect(prompt).toBeFocused();
  await expect(page.getByRole('tabpanel')).toContainText(/\S/);
});
