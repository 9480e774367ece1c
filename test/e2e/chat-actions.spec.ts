import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-gateway.ts';
import { chatPage } from './support/chat-page.ts';
import { watchConsole } from './support/console-guard.ts';
import { startHeadless, type HeadlessProcess } from './support/headless.ts';

/**
 * Issue 14's chat: per-message actions (copy, regenerate, edit and resend, pause), code blocks
 * with their language and a copy button, the empty state, the composer's feedback and size
 * check, and the conversation list's date groups and search. Its own server, whose gateway
 * answers with code, and slowly for "slow" prompts so a message can be paused while it runs.
 */
const CODE = 'const answer: number = 42;';
const words = (n: number): string => Array.from({ length: n }, (_, i) => `w${i + 1}`).join(' ');

test.describe.configure({ mode: 'serial' });

let gateway: FakeGateway;
let server: HeadlessProcess;

test.beforeAll(async () => {
  gateway = await startFakeGateway({
    agents: ['main', 'research'],
    chunkDelayMs: 20,
    reply: (text) =>
      text.includes('slow')
        ? `Echo: ${text}\n\n${words(400)}`
        : `Echo: ${text}\n\n\`\`\`ts\n${CODE}\n\`\`\`\n`,
  });
  server = await startHeadless({
    name: 'chat-actions',
    gatewayUrl: gateway.url,
    gatewayToken: gateway.token,
    // One worker: a second slow message waits queued behind the first.
    env: { CLAWDESK_WORKERS: '1', CLAWDESK_MAX_CONCURRENT: '1' },
  });
});

test.afterAll(async () => {
  await server?.stop();
  await gateway?.close();
});

async function open(page: Page) {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(server.url);
  const chat = chatPage(page);
  await expect(chat.connection).toHaveAttribute('data-status', 'online');
  return chat;
}

/**
 * In the page: a paste event carrying 11 MB of text, dispatched at the composer (`box`);
 * returns what the box holds afterwards. DOM types are not in the test's lib, hence the casts.
 */
function pasteEleven(box: unknown): string {
  type Ctor = new (...args: unknown[]) => unknown;
  const dom = globalThis as unknown as { DataTransfer: Ctor; ClipboardEvent: Ctor };
  const data = new dom.DataTransfer() as { setData(type: string, text: string): void };
  data.setData('text/plain', 'x'.repeat(11 * 1024 * 1024));
  const area = box as { value: string; focus(): void; dispatchEvent(event: unknown): boolean };
  area.focus();
  area.dispatchEvent(
    new dom.ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
  );
  return area.value;
}

const clipboard = (page: Page): Promise<string> =>
  page.evaluate(() =>
    (
      globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
    ).navigator.clipboard.readText(),
  );

test('empty state teaches, an empty send says so, an example prompt fills the composer', async ({
  page,
}) => {
  const problems = watchConsole(page);
  const chat = await open(page);
  await chat.newChat.click();
  const empty = page.getByTestId('empty-state');
  await expect(empty).toContainText('What ClawDesk is for');
  await expect(empty).toContainText('Run as background task');

  await chat.sendButton.click();
  const hint = page.getByTestId('composer-hint');
  await expect(hint).toHaveText('Type a message first: an empty message is not sent.');
  await expect(chat.composer).toHaveAttribute('aria-invalid', 'true');
  await expect(chat.messages).toHaveCount(0);

  await page.getByTestId('example-prompt').first().click();
  await expect(chat.composer).toHaveValue(/five bullets/);
  await expect(hint).toHaveText('');
  await expect(chat.messages).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('a reply and its code block copy; the code block names its language', async ({ page }) => {
  const chat = await open(page);
  await chat.newChat.click();
  await chat.send('show me code');
  const message = chat.message('show me code');
  await expect(message).toHaveAttribute('data-state', 'succeeded');
  const block = message.getByTestId('code-block');
  await expect(block.getByTestId('code-language')).toHaveText('ts');
  await block.getByRole('button', { name: 'Copy code' }).click();
  await expect(block.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect((await clipboard(page)).trim()).toBe(CODE);

  await message.getByRole('button', { name: 'Copy reply' }).click();
  expect(await clipboard(page)).toContain('Echo: show me code');
  expect(await clipboard(page)).toContain('```ts');
});

test('regenerate sends the last prompt again as a new message', async ({ page }) => {
  const chat = await open(page);
  await chat.newChat.click();
  await chat.send('again please');
  await expect(chat.messages.last()).toHaveAttribute('data-state', 'succeeded');
  await chat.messages.last().getByRole('button', { name: 'Regenerate' }).click();
  await expect(chat.message('again please')).toHaveCount(2);
  await expect(chat.messages.last()).toHaveAttribute('data-state', 'succeeded');
  // Only the last exchange offers it.
  await expect(chat.messages.first().getByRole('button', { name: 'Regenerate' })).toHaveCount(0);
});

test('edit and resend: the last prompt comes back to the composer and goes again', async ({
  page,
}) => {
  const chat = await open(page);
  await chat.newChat.click();
  await chat.send('first draft');
  await expect(chat.messages.last()).toHaveAttribute('data-state', 'succeeded');
  await chat.messages.last().getByRole('button', { name: 'Edit and resend' }).click();
  await expect(chat.composer).toHaveValue('first draft');
  await expect(chat.composer).toBeFocused();
  await expect(page.getByTestId('composer-editing')).toBeVisible();
  await chat.composer.fill('second draft');
  await chat.composer.press('Enter');
  await expect(page.getByTestId('composer-editing')).toHaveCount(0);
  await expect(chat.message('second draft')).toHaveAttribute('data-state', 'succeeded');
  await expect(chat.messages).toHaveCount(2);
});

test('a running chat message can be paused and resumed', async ({ page }) => {
  const chat = await open(page);
  await chat.newChat.click();
  await chat.send('slow one to pause');
  const message = chat.message('slow one to pause');
  await expect(message).toHaveAttribute('data-state', 'running');
  await message.getByRole('button', { name: 'Pause' }).click();
  await expect(message).toHaveAttribute('data-state', 'paused');
  await expect(message.getByTestId('state')).toHaveText('Paused');
  await message.getByRole('button', { name: 'Resume' }).click();
  await expect(message).toHaveAttribute('data-state', /^(queued|running|succeeded)$/);
});

test('an over-size paste is refused from its size; the box grows to 40 % at most', async ({
  page,
}) => {
  const chat = await open(page);
  await chat.newChat.click();
  // 11 MB of text in a paste event: the page must refuse it without putting it in the box.
  const value = await chat.composer.evaluate(pasteEleven);
  expect(value).toBe('');
  await expect(page.getByTestId('composer-hint')).toHaveText(
    'Not pasted: that would make the message 11.0 MB, and a message holds at most 10.0 MB.',
  );
  await expect(chat.composer).toHaveValue('');

  await chat.composer.fill(Array.from({ length: 300 }, (_, i) => `line ${i}`).join('\n'));
  const { box, window } = await chat.composer.evaluate((el) => ({
    box: (el as unknown as { getBoundingClientRect(): { height: number } }).getBoundingClientRect()
      .height,
    window: (globalThis as unknown as { innerHeight: number }).innerHeight,
  }));
  expect(box).toBeLessThanOrEqual(window * 0.4 + 1);
  expect(box).toBeGreaterThan(100);
});

test('conversations are grouped by date and can be searched', async ({ page }) => {
  const chat = await open(page);
  const list = page.getByRole('navigation', { name: 'Conversations' });
  await expect(list.getByRole('heading', { name: 'Today' })).toBeVisible();
  const search = page.getByRole('searchbox', { name: 'Search conversations' });
  await search.fill('first draft');
  await expect(chat.conversations).toHaveText(['first draft']);
  await search.fill('no such conversation here');
  await expect(chat.conversations).toHaveCount(0);
  await expect(page.getByTestId('conversation-none')).toHaveText('No conversation matches.');
});

test('a new chat picks one of the gateway’s agents; the chat keeps it and the monitor filters by it', async ({
  page,
}) => {
  const chat = await open(page);
  await chat.newChat.click();
  const picker = page.getByRole('combobox', { name: 'Agent for this chat' });
  await expect(picker.locator('option')).toHaveText(['main (default)', 'research']);
  await picker.selectOption('research');
  await chat.send('ask the research agent');
  const message = chat.message('ask the research agent');
  await expect(message).toHaveAttribute('data-state', 'succeeded');
  await expect(page.getByTestId('agent-badge')).toHaveText('Agent: research');
  const request = gateway.chatRequests().at(-1);
  expect(request?.headers['x-openclaw-agent-id']).toBe('research');
  expect((request?.body as { model?: string }).model).toBe('openclaw/research');

  await page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name: 'Tasks' })
    .click();
  const rows = page
    .getByRole('grid', { name: 'Task list' })
    .locator('.monitor-scroll [role="row"]');
  await expect.poll(() => rows.count()).toBeGreaterThan(1);
  await page.getByRole('combobox', { name: 'Agent' }).selectOption('research');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('ask the research agent');
});
