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

test('a refused page says it cannot reach ClawDesk, and how to allow its origin', async ({
  page,
}) => {
  const url = new URL(fromEnv(E2E_ENV.appUrl));
  url.searchParams.set('token', 'not-the-token');
  const chat = chatPage(page);
  await page.goto(url.toString());
  await expect(chat.connection).toHaveAttribute('data-status', 'unreachable');
  await expect(chat.connection).toContainText(`start the server with --allow-origin ${url.origin}`);
});
