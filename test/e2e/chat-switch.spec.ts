import { expect, test } from './support/fixtures.ts';
import { chatPage } from './support/chat-page.ts';
import { watchConsole } from './support/console-guard.ts';
import { E2E_ENV, STREAM, fromEnv } from './support/env.ts';

/** Switching conversations while a reply streams: each stream lands in its own conversation. */
test('switching conversations mid-stream keeps each reply in its own conversation', async ({
  page,
}) => {
  const problems = watchConsole(page);
  const chat = chatPage(page);
  await page.goto(fromEnv(E2E_ENV.appUrl));
  await expect(chat.connection).toHaveAttribute('data-status', 'online');

  await chat.newChat.click();
  await chat.send('switch alpha');
  const alpha = chat.message('switch alpha');
  await expect(alpha).toHaveAttribute('data-state', 'running');
  await expect(alpha.getByTestId('reply')).toContainText('Echo: switch alpha');

  await test.step('a second conversation starts while the first still streams', async () => {
    await chat.newChat.click();
    await chat.send('switch beta');
    await expect(chat.title).toHaveText('switch beta');
    await expect(chat.messages).toHaveCount(1);
    await expect(chat.message('switch alpha')).toHaveCount(0);
  });

  await test.step('back in the first, its reply has gone on streaming and finishes whole', async () => {
    await chat.conversations.filter({ hasText: 'switch alpha' }).first().click();
    await expect(chat.title).toHaveText('switch alpha');
    await expect(chat.messages).toHaveCount(1);
    await expect(alpha).toHaveAttribute('data-state', 'succeeded');
    await expect(alpha.getByTestId('reply')).toHaveText(`Echo: switch alpha ${STREAM.filler}`);
  });

  await test.step('the second finished on its own, nothing of the first in it', async () => {
    await chat.conversations.filter({ hasText: 'switch beta' }).first().click();
    const beta = chat.message('switch beta');
    await expect(beta).toHaveAttribute('data-state', 'succeeded');
    await expect(beta.getByTestId('reply')).toHaveText(`Echo: switch beta ${STREAM.filler}`);
    await expect(chat.messages).toHaveCount(1);
  });
  expect(problems).toEqual([]);
});
