import { resolve } from 'node:path';
import { expect, test } from './support/fixtures.ts';
import { chatPage } from './support/chat-page.ts';
import { E2E_ENV, fromEnv } from './support/env.ts';
import { closedPort, startHeadless, type HeadlessProcess } from './support/headless.ts';

/**
 * The gateway-problem banner above the chat: a server of its own whose gateway is a port
 * nothing listens on. The message waits to retry, the banner says what to do once.
 */
let server: HeadlessProcess | undefined;
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const SCREENSHOT = resolve(
  import.meta.dirname,
  '../../test-results/screenshots/gateway-banner.png',
);

test('a gateway that is not running: a banner says what to do and opens Settings', async ({
  page,
}) => {
  const port = await closedPort();
  const gatewayUrl = `http://127.0.0.1:${port}`;
  server = await startHeadless({ name: 'banner', gatewayUrl, gatewayToken: 'any-token' });
  const chat = chatPage(page);
  await page.goto(server.url);
  await chat.send('hello, gateway?');

  const banner = page.getByTestId('gateway-banner');
  await expect(banner).toHaveRole('alert');
  // Issue 12: the gateway is away, messages wait for it without spending attempts.
  await expect(banner).toHaveAttribute('data-problem', 'gateway-down');
  await expect(banner).toContainText(
    new RegExp(
      `^Waiting for the gateway at ${gatewayUrl}… \\(connection refused; next try at \\d\\d:\\d\\d:\\d\\d\\) ` +
        'Is OpenClaw running\\? Messages wait, spending no attempt, and go on by themselves once it answers\\.',
    ),
  );
  await expect(chat.composer).toBeEditable();
  await page.screenshot({ path: SCREENSHOT });

  await banner.getByRole('button', { name: 'Open settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await expect(page.getByLabel('Gateway URL', { exact: true })).toHaveValue(gatewayUrl);
});

test('a refused token: the banner says so; pasting the right token in Settings lets messages go', async ({
  page,
}) => {
  server = await startHeadless({
    name: 'banner-token',
    gatewayUrl: fromEnv(E2E_ENV.gatewayUrl),
    gatewayToken: 'not-the-token',
  });
  const chat = chatPage(page);
  await page.goto(server.url);
  await chat.send('let me in, please');

  const banner = page.getByTestId('gateway-banner');
  await expect(banner).toContainText(
    "The gateway rejected the token. Paste gateway.auth.token from OpenClaw's config in Settings. Messages wait meanwhile.",
  );
  await expect(banner).toHaveAttribute('data-problem', 'rejected');
  const message = chat.message('let me in, please');
  await expect(message).toHaveAttribute('data-state', 'queued');
  await page.screenshot({ path: SCREENSHOT.replace('gateway-banner', 'token-banner') });

  await banner.getByRole('button', { name: 'Open settings' }).click();
  await page.getByLabel('Gateway token', { exact: true }).fill(fromEnv(E2E_ENV.gatewayToken));
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('settings-status')).toHaveText('Saved');

  await page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name: 'Chat' })
    .click();
  await expect(message).toHaveAttribute('data-state', 'succeeded');
  await expect(banner).toHaveCount(0);
});
