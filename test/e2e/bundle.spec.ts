import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from './support/fixtures.ts';
import { chatPage } from './support/chat-page.ts';
import { E2E_ENV, fromEnv } from './support/env.ts';

/**
 * The renderer is split (issue 14): no chunk over 500 kB, and the first page load fetches the
 * chat alone — Markdown and highlight.js come with the first reply, the monitor and the
 * settings when opened. Checked on the build the suite runs against.
 */
const ASSETS = resolve(import.meta.dirname, '../../out/renderer/assets');
const LIMIT = 500 * 1000;

test('no chunk of the renderer exceeds 500 kB', () => {
  const chunks = readdirSync(ASSETS).filter((f) => f.endsWith('.js'));
  expect(chunks.length).toBeGreaterThan(3);
  const sizes = chunks.map((f) => [f, statSync(join(ASSETS, f)).size] as const);
  expect(sizes.filter(([, size]) => size > LIMIT)).toEqual([]);
});

test('Markdown, the monitor and the settings are chunks the first load does not ask for', async ({
  page,
}) => {
  const html = readFileSync(resolve(ASSETS, '../index.html'), 'utf8');
  expect(html).not.toMatch(/Markdown|TaskMonitor|SettingsView/);
  for (const name of ['Markdown', 'TaskMonitor', 'SettingsView']) {
    expect(readdirSync(ASSETS).some((f) => f.startsWith(`${name}-`) && f.endsWith('.js'))).toBe(
      true,
    );
  }
  const fetched: string[] = [];
  page.on('request', (request) => fetched.push(new URL(request.url()).pathname));
  const url = new URL(fromEnv(E2E_ENV.appUrl));
  await page.goto(url.toString());
  const chat = chatPage(page);
  await expect(chat.connection).toHaveAttribute('data-status', 'online');
  // A new chat: nothing to render as Markdown yet.
  await chat.newChat.click();
  await expect(page.getByTestId('empty-state')).toBeVisible();
  const lazy = (name: string) => fetched.some((p) => p.includes(`/assets/${name}-`));
  // The open conversation (the most recent) may have brought Markdown in already; the views
  // not opened never come.
  expect(lazy('TaskMonitor')).toBe(false);
  expect(lazy('SettingsView')).toBe(false);
  await page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name: 'Tasks' })
    .click();
  await expect(page.getByRole('grid', { name: 'Task list' })).toBeVisible();
  expect(lazy('TaskMonitor')).toBe(true);
});
