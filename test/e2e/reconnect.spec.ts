import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './support/fixtures.ts';
import { chatPage } from './support/chat-page.ts';
import { E2E_ENV, STREAM, fromEnv } from './support/env.ts';
import { startHeadless, type HeadlessProcess } from './support/headless.ts';

let server: HeadlessProcess | undefined;
let dataDir: string | undefined;
test.afterEach(async () => {
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('the page reconnects by itself when the server comes back, and reloads its state', async ({
  page,
}) => {
  dataDir = mkdtempSync(join(tmpdir(), 'clawdesk-e2e-restart-'));
  // Same port, token and data on restart, as when a user restarts `npm run serve`.
  const base = {
    name: 'restart',
    gatewayUrl: fromEnv(E2E_ENV.gatewayUrl),
    gatewayToken: fromEnv(E2E_ENV.gatewayToken),
    uiToken: randomBytes(16).toString('hex'),
    dataDir,
  };
  server = await startHeadless(base);
  const port = Number(new URL(server.url).port);
  const chat = chatPage(page);
  await page.goto(server.url);
  await chat.send('before the restart');
  const before = chat.message('before the restart');
  await expect(before).toHaveAttribute('data-state', 'succeeded');

  await server.stop();
  server = undefined;
  // "offline" at first, "unreachable" after a few failed attempts: either way, it says so.
  await expect(chat.connection).toHaveAttribute('data-status', /^(offline|unreachable)$/);
  await expect(chat.connection).not.toHaveText('Connected');
  // Still usable for typing while the server is away.
  await expect(chat.composer).toBeEditable();

  server = await startHeadless({ ...base, port });
  await expect(chat.connection).toHaveAttribute('data-status', 'online');
  await expect(before).toHaveAttribute('data-state', 'succeeded');
  await expect(before.getByTestId('reply')).toContainText(STREAM.lastWord);

  await chat.send('after the restart');
  const after = chat.message('after the restart');
  await expect(after).toHaveAttribute('data-state', 'succeeded');
  await expect(chat.messages).toHaveCount(2);
});

test('a page with a wrong token says exactly that and where the right URL is', async ({ page }) => {
  const url = new URL(fromEnv(E2E_ENV.appUrl));
  url.searchParams.set('token', 'not-the-token');
  const chat = chatPage(page);
  await page.goto(url.toString());
  await expect(chat.connection).toHaveAttribute('data-status', 'unreachable');
  const banner = page.getByTestId('access-banner');
  await expect(banner).toHaveAttribute('data-problem', 'wrong');
  await expect(banner).toContainText('access token is not the one ClawDesk uses now');
  await expect(banner).toContainText('Open the address ClawDesk printed when it started');
  await expect(banner).toContainText('ui-token');
  // Not a tunnel: no --allow-origin advice naming the server's own address.
  await expect(banner).not.toContainText('--allow-origin');
});

test('a page opened without its token says so', async ({ page }) => {
  const url = new URL(fromEnv(E2E_ENV.appUrl));
  url.search = '';
  await page.goto(url.toString());
  const banner = page.getByTestId('access-banner');
  await expect(banner).toHaveAttribute('data-problem', 'missing');
  await expect(banner).toContainText('opened without its access token');
  await expect(banner).toContainText('ui-token');
});

test('the page token is kept in the data folder: the same URL works after a restart', async ({
  page,
}) => {
  dataDir = mkdtempSync(join(tmpdir(), 'clawdesk-e2e-token-'));
  const base = {
    name: 'kept-token',
    gatewayUrl: fromEnv(E2E_ENV.gatewayUrl),
    gatewayToken: fromEnv(E2E_ENV.gatewayToken),
    dataDir,
  };
  server = await startHeadless(base);
  const port = Number(new URL(server.url).port);
  const first = server.url;
  await server.stop();
  server = await startHeadless({ ...base, port });
  expect(server.url).toBe(first);
  const chat = chatPage(page);
  await page.goto(first);
  await expect(chat.connection).toHaveAttribute('data-status', 'online');

  await test.step('--new-token replaces it: the old URL is refused as wrong', async () => {
    await server!.stop();
    server = await startHeadless({ ...base, port, args: ['--new-token'] });
    expect(server.url).not.toBe(first);
    const fresh = await page.context().newPage();
    await fresh.goto(first);
    await expect(fresh.getByTestId('access-banner')).toHaveAttribute('data-problem', 'wrong');
  });
});
