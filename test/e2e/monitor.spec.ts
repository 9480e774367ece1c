import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { openBridge, type BridgeClient } from '../helpers/bridge-client.ts';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-gateway.ts';
import { chatPage } from './support/chat-page.ts';
import { watchConsole } from './support/console-guard.ts';
import { startHeadless, type HeadlessProcess } from './support/headless.ts';

/**
 * The task monitor against a server of its own: quick replies for most prompts, a slow one
 * (a word every 100 ms for half a minute) for "slow" prompts, so actions meet a live task.
 */
const SCREENSHOT = resolve(import.meta.dirname, '../../test-results/screenshots/monitor.png');
const words = (n: number): string => Array.from({ length: n }, (_, i) => `w${i + 1}`).join(' ');

test.describe.configure({ mode: 'serial' });

let gateway: FakeGateway;
let server: HeadlessProcess;
let bridge: BridgeClient;

test.beforeAll(async () => {
  gateway = await startFakeGateway({
    firstChunkDelayMs: 200,
    chunkDelayMs: 100,
    reply: (text) =>
      text.includes('slow') ? `Echo: ${text}\n\n${words(300)}` : `Echo: ${text}\n\n${words(5)}`,
  });
  server = await startHeadless({
    name: 'monitor',
    gatewayUrl: gateway.url,
    gatewayToken: gateway.token,
    env: { CLAWDESK_WORKERS: '2', CLAWDESK_MAX_CONCURRENT: '2' },
  });
  bridge = await openBridge(server.url);
});

test.afterAll(async () => {
  bridge?.close();
  await server?.stop();
  await gateway?.close();
});

function monitor(page: Page) {
  const grid = page.getByRole('grid', { name: 'Task list' });
  const detail = page.getByRole('complementary', { name: 'Task details' });
  return {
    grid,
    rows: grid.locator('.monitor-scroll [role="row"]'),
    row: (title: string) => grid.getByRole('row').filter({ hasText: title }),
    state: page.getByRole('combobox', { name: 'State' }),
    lane: page.getByRole('combobox', { name: 'Lane' }),
    search: page.getByRole('searchbox', { name: 'Search tasks' }),
    detail,
    detailState: detail.getByTestId('detail-state'),
    output: detail.getByTestId('task-output'),
    action: (name: string) => detail.getByRole('button', { name, exact: true }),
  };
}

test('the monitor lists, filters, searches, acts on and exports tasks', async ({ page }) => {
  const problems = watchConsole(page);
  const chat = chatPage(page);
  const m = monitor(page);
  await page.goto(server.url);
  await expect(chat.connection).toHaveAttribute('data-status', 'online');

  await test.step('tasks come from the chat and as background work', async () => {
    await chat.send('monitor chat alpha');
    await chat.send('monitor chat beta');
    const first = await bridge.call('chat.send', { text: 'monitor bg gamma', lane: 'long' });
    const conversationId = first.conversation.id;
    await bridge.call('chat.send', { conversationId, text: 'monitor bg delta', lane: 'long' });
    await bridge.call('chat.send', { conversationId, text: 'monitor slow epsilon', lane: 'long' });
  });

  await test.step('"Tasks" opens the monitor with a row per task', async () => {
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: 'Tasks' })
      .click();
    await expect(m.rows).toHaveCount(5);
    await expect(m.row('monitor chat alpha').getByTestId('task-state')).toHaveText('Done');
    await expect(m.row('monitor bg gamma')).toContainText('Background');
    await expect(page.getByRole('region', { name: 'Limiter' })).toContainText(/Requests \d+\/40/);
    await expect(page.getByRole('region', { name: 'Resources' })).toContainText('Free disk');
  });

  await test.step('filters: state, lane and search', async () => {
    await expect(m.row('monitor bg delta').getByTestId('task-state')).toHaveText('Done');
    await m.state.selectOption({ label: 'Running' });
    await expect(m.rows).toHaveCount(1);
    await expect(m.rows.first()).toContainText('monitor slow epsilon');
    await m.state.selectOption({ label: 'State: All' });
    await m.lane.selectOption({ label: 'Chat' });
    await expect(m.rows).toHaveCount(2);
    await m.lane.selectOption({ label: 'Lane: All' });
    await m.search.fill('gamma');
    await expect(m.rows).toHaveCount(1);
    await expect(m.rows.first()).toContainText('monitor bg gamma');
    await m.search.fill('');
    await expect(m.rows).toHaveCount(5);
  });

  await test.step('a selected task shows its output and attempts', async () => {
    await m.row('monitor chat beta').click();
    await expect(m.row('monitor chat beta')).toHaveAttribute('aria-selected', 'true');
    await expect(m.output).toContainText('Echo: monitor chat beta');
    await expect(m.detail.getByTestId('detail-attempts')).toContainText('Attempt 1 of');
    await expect(m.action('Retry')).toBeDisabled();
  });

  await test.step('pause, resume, cancel and retry a slow task', async () => {
    await m.row('monitor slow epsilon').click();
    await expect(m.output).toContainText('Echo: monitor slow epsilon');
    await m.action('Pause').click();
    await expect(m.detailState).toHaveText('Paused');
    await expect(m.row('monitor slow epsilon').getByTestId('task-state')).toHaveText('Paused');
    await m.action('Resume').click();
    await expect(m.detailState).toHaveText(/^(Queued|Running)$/);
    await m.action('Cancel').click();
    await expect(m.detailState).toHaveText('Cancelled');
    await m.action('Retry').click();
    await expect(m.detailState).toHaveText(/^(Queued|Running)$/);
    await expect(m.detailState).toHaveText('Running');
  });

  await test.step('export JSON and Markdown downloads the task', async () => {
    const [json] = await Promise.all([
      page.waitForEvent('download'),
      m.action('Export JSON').click(),
    ]);
    expect(json.suggestedFilename()).toMatch(/^task-.+\.json$/);
    const exported = JSON.parse(readFileSync(await json.path(), 'utf8')) as { prompt: string };
    expect(exported.prompt).toBe('monitor slow epsilon');
    const [markdown] = await Promise.all([
      page.waitForEvent('download'),
      m.action('Export Markdown').click(),
    ]);
    expect(markdown.suggestedFilename()).toMatch(/^task-.+\.md$/);
    expect(readFileSync(await markdown.path(), 'utf8')).toContain('## Output');
  });

  await test.step('Pause all, then Resume all', async () => {
    await page.getByRole('button', { name: 'Pause all' }).click();
    await expect(page.getByTestId('bulk-result')).toHaveText(/^Paused [1-9]\d* tasks?$/);
    await expect(m.detailState).toHaveText('Paused');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.getByRole('button', { name: 'Resume all' }).click();
    await expect(page.getByTestId('bulk-result')).toHaveText(/^Resumed [1-9]\d* tasks?$/);
    await expect(m.detailState).toHaveText(/^(Queued|Running)$/);
  });

  expect(problems).toEqual([]);
});

test('the selected task stays selected across views', async ({ page }) => {
  const sent = await bridge.call('chat.send', { text: 'monitor opened by id', lane: 'short' });
  await page.goto(server.url);
  await expect(chatPage(page).connection).toHaveAttribute('data-status', 'online');
  const m = monitor(page);
  const views = page.getByRole('navigation', { name: 'Views' });
  await views.getByRole('button', { name: 'Tasks' }).click();
  await m.row('monitor opened by id').click();
  await expect(m.detail).toHaveAttribute('data-task-id', sent.task.id);
  // Back to the chat and again to the tasks: the selection is kept.
  await views.getByRole('button', { name: 'Chat' }).click();
  await expect(m.grid).toBeHidden();
  await views.getByRole('button', { name: 'Tasks' }).click();
  await expect(m.detail).toHaveAttribute('data-task-id', sent.task.id);
  await expect(m.output).toContainText('Echo: monitor opened by id');
});

test('a background task card in the chat opens that task in the monitor', async ({ page }) => {
  const chat = chatPage(page);
  const m = monitor(page);
  await page.goto(server.url);
  await expect(chat.connection).toHaveAttribute('data-status', 'online');
  await chat.newChat.click();
  await page.getByRole('checkbox', { name: 'Run as background task' }).check();
  await chat.send('monitor from a card');
  const card = chat.message('monitor from a card').getByTestId('task-card');
  await card.getByRole('button', { name: 'Open in task monitor' }).click();
  await expect(m.grid).toBeVisible();
  await expect(m.detail.getByRole('heading', { name: 'monitor from a card' })).toBeVisible();
  await expect(m.row('monitor from a card')).toHaveAttribute('aria-selected', 'true');
  await expect(m.detailState).toHaveText('Done');
  await expect(m.output).toContainText('Echo: monitor from a card');
});

test('the guard: a free-disk minimum above what is free shows in the monitor until lowered', async ({
  page,
}) => {
  await page.goto(server.url);
  await expect(chatPage(page).connection).toHaveAttribute('data-status', 'online');
  const views = page.getByRole('navigation', { name: 'Views' });
  await views.getByRole('button', { name: 'Settings' }).click();
  const minimum = page.getByLabel('Alert below this much free disk (MB)', { exact: true });
  await expect(minimum).toHaveValue('1024');
  await expect(page.getByLabel('Alert above this much memory (MB)', { exact: true })).toHaveValue(
    '500',
  );
  // 16 TB: no disk here has that much free.
  await minimum.fill('16777216');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('settings-status')).toHaveText('Saved');

  await views.getByRole('button', { name: 'Tasks' }).click();
  const alert = page.getByTestId('resources').getByTestId('low-disk');
  await expect(alert).toHaveRole('alert');
  await expect(alert).toContainText('Low disk space in ');
  await expect(alert).toContainText('under the 16.0 TB Settings asks for');
  // Lowered elsewhere (another window): the monitor hears of it from the event.
  await bridge.call('settings.update', { guard: { memoryMb: 500, freeDiskMb: 1024 } });
  await expect(alert).toBeHidden();
});
