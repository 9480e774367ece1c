import type { Locator, Page } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { openBridge } from '../helpers/bridge-client.ts';
import { chatPage } from './support/chat-page.ts';
import { E2E_ENV, fromEnv } from './support/env.ts';

/**
 * Issue 14's task monitor against the shared server: actions that do not apply look and act
 * disabled, the limiter chart has axes, a limit line and labels, code in the details is
 * highlighted, and the rows are reached and moved through with the keyboard alone.
 */
const CODE_PROMPT = 'monitor code:\n```ts\nconst limit: number = 40;\n```';

async function openMonitor(page: Page) {
  await page.goto(fromEnv(E2E_ENV.appUrl));
  await expect(chatPage(page).connection).toHaveAttribute('data-status', 'online');
  await page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name: 'Tasks' })
    .click();
  const grid = page.getByRole('grid', { name: 'Task list' });
  await expect(grid).toBeVisible();
  return {
    grid,
    rows: grid.locator('.monitor-scroll [role="row"]'),
    detail: page.getByRole('complementary', { name: 'Task details' }),
  };
}

const style = (locator: Locator, property: 'opacity' | 'cursor') =>
  locator.evaluate(
    (el, name) =>
      (
        globalThis as unknown as {
          getComputedStyle(e: unknown): Record<string, string>;
        }
      ).getComputedStyle(el)[name] ?? '',
    property,
  );

test('a finished task: only Retry-like actions are live, the rest look disabled', async ({
  page,
}) => {
  const bridge = await openBridge(fromEnv(E2E_ENV.appUrl));
  const sent = await bridge.call('chat.send', { text: CODE_PROMPT, lane: 'short' });
  bridge.close();
  const m = await openMonitor(page);
  const row = m.grid.getByRole('row').filter({ hasText: 'monitor code:' }).first();
  await row.click();
  await expect(m.detail).toHaveAttribute('data-task-id', sent.task.id);
  await expect(m.detail.getByTestId('detail-state')).toHaveText('Done');

  for (const name of ['Pause', 'Resume', 'Cancel']) {
    const button = m.detail.getByRole('button', { name, exact: true });
    await expect(button).toBeDisabled();
    expect(Number(await style(button, 'opacity'))).toBeLessThan(0.6);
    expect(await style(button, 'cursor')).toBe('not-allowed');
    await expect(button).toHaveAttribute('title', 'Not available while the task is Done');
  }
  const retry = m.detail.getByRole('button', { name: 'Retry', exact: true });
  // A succeeded task is not retried from here: its answer stands.
  await expect(retry).toBeDisabled();
  const exportJson = m.detail.getByRole('button', { name: 'Export JSON' });
  await expect(exportJson).toBeEnabled();
  expect(await style(exportJson, 'opacity')).toBe('1');
  expect(await style(exportJson, 'cursor')).toBe('pointer');

  await test.step('code in the output is highlighted, with its language', async () => {
    const output = m.detail.getByTestId('task-output');
    await expect(output.getByTestId('code-language')).toHaveText('ts');
    await expect(output.locator('.hljs-keyword').first()).toHaveText('const');
  });
});

test('the limiter chart has a time axis, a value axis and a labelled limit line', async ({
  page,
}) => {
  await openMonitor(page);
  const chart = page.getByTestId('limiter-chart');
  await expect(chart).toBeVisible();
  await expect(chart.getByTestId('chart-time-tick')).toHaveText([
    '−59 s',
    '−44 s',
    '−30 s',
    '−15 s',
    'now',
  ]);
  await expect(chart.getByTestId('chart-value-tick')).toHaveCount(3);
  await expect(chart.getByTestId('chart-limit')).toBeAttached();
  await expect(chart).toContainText('limit 40');
  await expect(chart).toHaveAttribute('aria-label', /limit 40/);
  // One sample a second while the monitor is open: the line appears.
  await expect
    .poll(async () => Number(await chart.getAttribute('data-samples')))
    .toBeGreaterThan(1);
  await expect(chart.locator('polyline')).toHaveCount(1);
});

test('rows are reached with Tab and moved through with the arrow keys', async ({ page }) => {
  const bridge = await openBridge(fromEnv(E2E_ENV.appUrl));
  for (const text of ['keyboard row one', 'keyboard row two']) {
    await bridge.call('chat.send', { text, lane: 'short' });
  }
  bridge.close();
  const m = await openMonitor(page);
  await expect.poll(() => m.rows.count()).toBeGreaterThan(1);
  // Nothing selected yet on a fresh page: the first row is the grid's tab stop, right after
  // the toolbar's last button.
  await page.getByRole('button', { name: 'Resume all' }).focus();
  await page.keyboard.press('Tab');
  const first = m.rows.first();
  await expect(first).toBeFocused();
  await page.keyboard.press('ArrowDown');
  const second = m.rows.nth(1);
  await expect(second).toHaveAttribute('aria-selected', 'true');
  await expect(second).toBeFocused();
  const id = await second.getAttribute('data-task-id');
  await expect(m.detail).toHaveAttribute('data-task-id', id ?? '');
  await page.keyboard.press('Home');
  await expect(first).toHaveAttribute('aria-selected', 'true');
  await expect(first).toBeFocused();
});
