import { resolve } from 'node:path';
import { expect, test } from './support/fixtures.ts';
import { chatPage } from './support/chat-page.ts';
import { watchConsole } from './support/console-guard.ts';
import { E2E_ENV, STREAM, fromEnv } from './support/env.ts';

const SCREENSHOT = resolve(import.meta.dirname, '../../test-results/screenshots/chat.png');

test('a chat streams replies, takes more messages meanwhile and survives a reload', async ({
  page,
}) => {
  const problems = watchConsole(page);
  const chat = chatPage(page);
  await page.goto(fromEnv(E2E_ENV.appUrl));

  await test.step('the token leaves the address bar and the bridge connects', async () => {
    await expect(chat.connection).toHaveAttribute('data-status', 'online');
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
    // Start clean, whatever earlier runs against this server left.
    await chat.newChat.click();
    await expect(chat.messages).toHaveCount(0);
  });

  const first = chat.message('first question');
  await test.step('Enter sends: the message is accepted at once', async () => {
    await chat.send('first question');
    await expect(chat.composer).toHaveValue('');
    await expect(first).toHaveCount(1);
    await expect(first).toHaveAttribute('data-state', /^(queued|running)$/);
  });

  await test.step('the reply is shown while it is still being written', async () => {
    const reply = first.getByTestId('reply');
    // Some moment shows the start of the reply without its end: partial text on screen.
    await expect
      .poll(
        async () => {
          const text = (await reply.textContent()) ?? '';
          return text.includes('Echo: first question') && !text.includes(STREAM.lastWord);
        },
        { intervals: [25] },
      )
      .toBe(true);
    await expect(first.getByTestId('state')).toHaveText('Streaming…');
  });

  await test.step('two more messages go out while the first still streams', async () => {
    await expect(chat.composer).toBeEditable();
    await chat.send('second question');
    await expect(chat.composer).toBeEditable();
    await chat.send('third question');
    await expect(chat.messages).toHaveCount(3);
    await expect(chat.composer).toHaveValue('');
    await expect(chat.composer).toBeEditable();
  });

  await test.step('every reply finishes, in full', async () => {
    for (const prompt of ['first question', 'second question', 'third question']) {
      const message = chat.message(prompt);
      await expect(message).toHaveAttribute('data-state', 'succeeded');
      await expect(message.getByTestId('state')).toHaveText('Done');
      await expect(message.getByTestId('reply')).toContainText(`Echo: ${prompt}`);
      await expect(message.getByTestId('reply')).toContainText(STREAM.lastWord);
    }
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  await test.step('after a reload everything is still there', async () => {
    await page.reload();
    await expect(chat.connection).toHaveAttribute('data-status', 'online');
    await expect(chat.messages).toHaveCount(3);
    for (const prompt of ['first question', 'second question', 'third question']) {
      const message = chat.message(prompt);
      await expect(message).toHaveAttribute('data-state', 'succeeded');
      await expect(message.getByTestId('reply')).toContainText(STREAM.lastWord);
    }
    // Reopened at the most recent conversation, which is this one (listed first).
    await expect(chat.conversations.first()).toHaveText('first question');
    await expect(chat.conversations.first()).toHaveAttribute('aria-current', 'page');
  });

  expect(problems).toEqual([]);
});

test('New chat starts a conversation; Shift+Enter writes a new line', async ({ page }) => {
  const chat = chatPage(page);
  await page.goto(fromEnv(E2E_ENV.appUrl));
  await expect(chat.connection).toHaveAttribute('data-status', 'online');

  await chat.newChat.click();
  await expect(chat.title).toHaveText('New chat');
  await expect(chat.messages).toHaveCount(0);

  await chat.composer.fill('line one');
  await chat.composer.press('Shift+Enter');
  await chat.composer.pressSequentially('line two');
  await expect(chat.composer).toHaveValue('line one\nline two');
  await chat.sendButton.click();
  await expect(chat.composer).toHaveValue('');

  const message = chat.message('line one\nline two');
  await expect(message).toHaveCount(1);
  await expect(chat.title).toHaveText('line one');
  await expect(chat.conversations.first()).toHaveText('line one');
  await expect(chat.conversations.first()).toHaveAttribute('aria-current', 'page');
  await expect(message).toHaveAttribute('data-state', 'succeeded');

  // The earlier conversation is one click away, its history intact.
  await chat.conversations.filter({ hasText: 'first question' }).first().click();
  await expect(chat.messages).toHaveCount(3);
});

test('text typed before the app has loaded is kept: the page is usable at first paint', async ({
  page,
}) => {
  const chat = chatPage(page);
  // Hold the app's own scripts back, as a slow first load would.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/assets\/index-[^/]+\.js$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(fromEnv(E2E_ENV.appUrl), { waitUntil: 'commit' });
  // The static composer of index.html: there, focused and taking text before any script.
  const early = page.locator('#shell-composer');
  await expect(early).toBeFocused();
  await page.keyboard.type('typed before the app loaded');
  release();
  await expect(chat.connection).toHaveAttribute('data-status', 'online');
  await expect(early).toHaveCount(0);
  await expect(chat.composer).toHaveValue('typed before the app loaded');
  await expect(chat.composer).toBeFocused();
});
