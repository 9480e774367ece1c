import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { chatPage } from './support/chat-page.ts';
import { watchConsole } from './support/console-guard.ts';
import { E2E_ENV, STREAM, fromEnv } from './support/env.ts';

/** Conversations in the sidebar (rename, delete after asking), export, background tasks. */

const SCREENSHOTS = resolve(import.meta.dirname, '../../test-results/screenshots');

/** The sidebar row of the conversation with this title (its open, Rename and Delete buttons). */
const row = (page: Page, title: string) =>
  page
    .getByRole('navigation', { name: 'Conversations' })
    .getByRole('listitem')
    .filter({ has: page.getByTestId('conversation').getByText(title, { exact: true }) });

/** A new conversation with one message, finished: open and listed first. */
async function startConversation(page: Page, prompt: string): Promise<void> {
  const chat = chatPage(page);
  await chat.newChat.click();
  await chat.send(prompt);
  await expect(chat.message(prompt)).toHaveAttribute('data-state', 'succeeded');
  await expect(chat.title).toHaveText(prompt);
}

test('a conversation is renamed in place and deleted only after confirmation', async ({ page }) => {
  const problems = watchConsole(page);
  const chat = chatPage(page);
  await page.goto(fromEnv(E2E_ENV.appUrl));
  await expect(chat.connection).toHaveAttribute('data-status', 'online');
  await startConversation(page, 'keep me around');
  await startConversation(page, 'rename me please');

  await test.step('Rename turns the title into a field; Enter saves', async () => {
    await row(page, 'rename me please')
      .getByRole('button', { name: 'Rename', exact: true })
      .click();
    const field = page.getByRole('textbox', { name: 'Conversation title' });
    await expect(field).toBeFocused();
    await expect(field).toHaveValue('rename me please');
    await field.fill('Renamed chat');
    await field.press('Enter');
    await expect(field).toHaveCount(0);
    await expect(row(page, 'Renamed chat')).toHaveCount(1);
    await expect(chat.title).toHaveText('Renamed chat');
  });

  await test.step('Escape leaves the title as it was', async () => {
    await row(page, 'Renamed chat').getByRole('button', { name: 'Rename', exact: true }).click();
    const field = page.getByRole('textbox', { name: 'Conversation title' });
    await field.fill('not this');
    await field.press('Escape');
    await expect(row(page, 'Renamed chat')).toHaveCount(1);
  });

  await test.step('the name survives a reload', async () => {
    await page.reload();
    await expect(chat.connection).toHaveAttribute('data-status', 'online');
    await expect(row(page, 'Renamed chat')).toHaveCount(1);
  });

  const dialog = page.getByRole('dialog', { name: 'Delete conversation?' });
  await test.step('Delete asks first; Cancel keeps the conversation', async () => {
    await row(page, 'Renamed chat').getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('Renamed chat');
    await page.screenshot({ path: resolve(SCREENSHOTS, 'chat-delete-confirm.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(row(page, 'Renamed chat')).toHaveCount(1);
  });

  await test.step('confirmed, it leaves the list and another conversation opens', async () => {
    await row(page, 'Renamed chat').getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.getByRole('button', { name: 'Delete conversation' }).click();
    await expect(row(page, 'Renamed chat')).toHaveCount(0);
    await expect(chat.title).not.toHaveText('Renamed chat');
    await expect(chat.conversations.first()).toHaveAttribute('aria-current', 'page');
    await page.reload();
    await expect(chat.connection).toHaveAttribute('data-status', 'online');
    await expect(row(page, 'keep me around')).toHaveCount(1);
    await expect(row(page, 'Renamed chat')).toHaveCount(0);
  });

  expect(problems).toEqual([]);
});

test('a conversation exports to a Markdown file', async ({ page }) => {
  const chat = chatPage(page);
  await page.goto(fromEnv(E2E_ENV.appUrl));
  await expect(chat.connection).toHaveAttribute('data-status', 'online');
  await startConversation(page, 'export this one');
  await chat.send('and this too');
  await expect(chat.message('and this too')).toHaveAttribute('data-state', 'succeeded');

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export conversation' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('export this one.md');
  const text = await readFile(await download.path(), 'utf8');
  expect(text.startsWith('# export this one\n')).toBe(true);
  expect(text).toContain('**You:**\n\n> export this one\n\n**ClawDesk:**\n\nEcho: export this one');
  expect(text).toContain(STREAM.lastWord);
  // Oldest first.
  expect(text.indexOf('> export this one')).toBeLessThan(text.indexOf('> and this too'));
});

test('a background task shows as a card that opens the task monitor', async ({ page }) => {
  const problems = watchConsole(page);
  const chat = chatPage(page);
  await page.goto(fromEnv(E2E_ENV.appUrl));
  await expect(chat.connection).toHaveAttribute('data-status', 'online');
  await chat.newChat.click();

  const toggle = page.getByRole('checkbox', { name: 'Run as background task' });
  await toggle.check();
  await chat.send('summarise the archive');
  // One message at a time: the option turns itself off once used.
  await expect(toggle).not.toBeChecked();

  const message = chat.message('summarise the archive');
  await expect(message).toHaveAttribute('data-lane', 'long');
  const card = message.getByTestId('task-card');
  await expect(card).toContainText('Background task');
  await expect(message).toHaveAttribute('data-state', 'succeeded');
  await expect(card.getByTestId('state')).toHaveText('Done');
  // The result stays folded until asked for: a long one does not fill the chat.
  await expect(card.getByTestId('reply')).toHaveCount(0);
  await card.getByText('Show the result').click();
  await expect(card.getByTestId('reply')).toContainText('Echo: summarise the archive');
  await page.screenshot({ path: resolve(SCREENSHOTS, 'chat-background-task.png') });

  await test.step('an ordinary message stays in the chat lane', async () => {
    await chat.send('a quick one');
    await expect(chat.message('a quick one')).toHaveAttribute('data-lane', 'interactive');
    await expect(chat.message('a quick one').getByTestId('task-card')).toHaveCount(0);
  });

  await card.getByRole('button', { name: 'Open in task monitor' }).click();
  const views = page.getByRole('navigation', { name: 'Views' });
  await expect(views.getByRole('button', { name: 'Tasks' })).toHaveAttribute(
    'aria-current',
    'page',
  );
  await expect(chat.composer).toHaveCount(0);

  // Picking a conversation brings the chat back.
  await chat.conversations.first().click();
  await expect(views.getByRole('button', { name: 'Chat' })).toHaveAttribute('aria-current', 'page');
  await expect(chat.composer).toBeVisible();
  expect(problems).toEqual([]);
});
