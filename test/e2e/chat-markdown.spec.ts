import { resolve } from 'node:path';
import { expect, test } from './support/fixtures.ts';
import { openBridge, type BridgeClient } from '../helpers/bridge-client.ts';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-gateway.ts';
import { chatPage } from './support/chat-page.ts';
import { watchConsole } from './support/console-guard.ts';
import { startHeadless, type HeadlessProcess } from './support/headless.ts';

/**
 * Replies as Markdown, and the language switch, against a server of its own: its gateway
 * answers in Markdown, and switching its language does not touch the other specs.
 */

const SCREENSHOTS = resolve(import.meta.dirname, '../../test-results/screenshots');
const MARKDOWN_REPLY = [
  'Here is a **summary** of the lanes:',
  '',
  '| Lane | Timeout |',
  '| --- | --- |',
  '| interactive | 2 min |',
  '| long | 2 h |',
  '',
  '```ts',
  'const answer: number = 42;',
  '',
  'function double(n: number): number {',
  '  return n * 2;',
  '}',
  '```',
  '',
  'Raw <b>html</b> stays text. See [the docs](https://example.com/docs).',
].join('\n');

test.describe.configure({ mode: 'serial' });

let gateway: FakeGateway;
let server: HeadlessProcess;
let bridge: BridgeClient | undefined;

test.beforeAll(async () => {
  gateway = await startFakeGateway({
    firstChunkDelayMs: 100,
    chunkDelayMs: 15,
    reply: (text) => (text.includes('markdown') ? MARKDOWN_REPLY : `Echo: ${text}`),
  });
  server = await startHeadless({
    name: 'chat-markdown',
    gatewayUrl: gateway.url,
    gatewayToken: gateway.token,
  });
});

test.afterAll(async () => {
  bridge?.close();
  await server?.stop();
  await gateway?.close();
});

test('a reply renders as Markdown: a GFM table, highlighted code, safe links', async ({ page }) => {
  const problems = watchConsole(page);
  const chat = chatPage(page);
  await page.goto(server.url);
  await expect(chat.connection).toHaveAttribute('data-status', 'online');
  await chat.send('show me some markdown');
  const message = chat.message('show me some markdown');
  await expect(message).toHaveAttribute('data-state', 'succeeded');
  const reply = message.getByTestId('reply');

  await test.step('the table', async () => {
    const table = reply.getByRole('table');
    await expect(table.getByRole('columnheader')).toHaveText(['Lane', 'Timeout']);
    await expect(table.getByRole('row')).toHaveCount(3);
    await expect(table.getByRole('row').nth(2)).toHaveText(/long\s*2 h/);
  });

  await test.step('the code block, highlighted, blank line kept', async () => {
    const code = reply.locator('pre code');
    await expect(code).toHaveClass(/language-ts/);
    await expect(code).toContainText('const answer: number = 42;\n\nfunction double');
    await expect(code.locator('.hljs-keyword').first()).toHaveText('const');
  });

  await test.step('emphasis, links that leave the app, no raw HTML', async () => {
    await expect(reply.locator('strong')).toHaveText('summary');
    const link = reply.getByRole('link', { name: 'the docs' });
    await expect(link).toHaveAttribute('href', 'https://example.com/docs');
    await expect(link).toHaveAttribute('target', '_blank');
    await expect(link).toHaveAttribute('rel', /noopener/);
    await expect(reply.locator('b')).toHaveCount(0);
    await expect(reply).toContainText('Raw <b>html</b> stays text.');
  });

  await page.screenshot({ path: resolve(SCREENSHOTS, 'chat-markdown.png'), fullPage: true });
  expect(problems).toEqual([]);
});

test('the language follows the setting: 简体中文, then back to English', async ({ page }) => {
  const problems = watchConsole(page);
  const chat = chatPage(page);
  await page.goto(server.url);
  await expect(chat.connection).toHaveAttribute('data-status', 'online');
  await expect(chat.sendButton).toBeVisible();
  bridge = await openBridge(server.url);

  await test.step('a settings change reaches the open page', async () => {
    await bridge!.call('settings.update', { language: 'zh-CN' });
    await expect(page.getByRole('button', { name: '发送', exact: true })).toBeVisible();
    await expect(page.getByRole('textbox', { name: '消息' })).toBeVisible();
    await expect(page.getByRole('checkbox', { name: '作为后台任务运行' })).toBeVisible();
    await expect(page.getByRole('navigation', { name: '对话' })).toBeVisible();
    await expect(page.getByRole('navigation', { name: '视图' })).toContainText('设置');
    await expect(page.getByTestId('connection')).toHaveText('已连接');
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  });

  await test.step('a new page starts in it', async () => {
    await page.reload();
    await expect(page.getByTestId('connection')).toHaveText('已连接');
    const message = chat.messages.first();
    await expect(message.getByTestId('state')).toHaveText('完成');
    await expect(page.getByRole('button', { name: '导出对话' })).toBeVisible();
    await page.screenshot({ path: resolve(SCREENSHOTS, 'chat-zh.png'), fullPage: true });
  });

  await test.step('and back to English', async () => {
    await bridge!.call('settings.update', { language: 'en' });
    await expect(chat.sendButton).toBeVisible();
    await expect(page.getByTestId('connection')).toHaveText('Connected');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  });
  expect(problems).toEqual([]);
});
