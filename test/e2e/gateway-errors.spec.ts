import { resolve } from 'node:path';
import { expect, test } from './support/fixtures.ts';
import { chatPage } from './support/chat-page.ts';
import { E2E_ENV, fromEnv } from './support/env.ts';
import { closedPort, startHeadless, type HeadlessProcess } from './support/headless.ts';
import { startFakeGateway } from '../helpers/fake-gateway.ts';

/**
 * Each case runs its own headless server with a broken gateway setting; the shared one stays
 * healthy for the other specs.
 */
let server: HeadlessProcess | undefined;
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const SCREENSHOT = resolve(import.meta.dirname, '../../test-results/screenshots/gateway-error.png');

// The worker retries network failures with backoff before it gives up.
const FAILED = { timeout: 75_000 };

test('a gateway that is not running: the message waits, saying so, and goes once it is back', async ({
  page,
}) => {
  const port = await closedPort();
  server = await startHeadless({
    name: 'refused',
    gatewayUrl: `http://127.0.0.1:${port}`,
    gatewayToken: 'any-token',
  });
  const chat = chatPage(page);
  await page.goto(server.url);
  await chat.send('is anyone there?');

  // Issue 12: an absent gateway is waited out, spending no attempt; the banner and the
  // message say the same thing.
  const origin = `http://127.0.0.1:${port}`;
  const message = chat.message('is anyone there?');
  const banner = page.getByTestId('gateway-banner');
  const waiting = `Waiting for the gateway at ${origin}… \\(connection refused; next try at \\d\\d:\\d\\d:\\d\\d\\)`;
  await expect(banner).toHaveAttribute('data-problem', 'gateway-down', FAILED);
  await expect(banner).toContainText(new RegExp(waiting));
  await expect(banner).toContainText('Messages wait, spending no attempt');
  await expect(message).toHaveAttribute('data-state', 'queued');
  await expect(message.getByTestId('state')).toHaveText(new RegExp(`^Queued — #1 · ${waiting}$`));
  await expect(message.getByRole('alert')).toContainText(`connection refused at ${origin}`);
  await expect(chat.composer).toBeEditable();
  await page.screenshot({ path: SCREENSHOT });
  // The task monitor says the same.
  const views = page.getByRole('navigation', { name: 'Views' });
  await views.getByRole('button', { name: 'Tasks' }).click();
  await expect(page.getByTestId('limiter-gateway-down')).toHaveText(new RegExp(`^${waiting}$`));
  await views.getByRole('button', { name: 'Chat' }).click();

  // OpenClaw comes up: the message goes by itself, the banner goes away.
  const gateway = await startFakeGateway({ port, token: 'any-token' });
  try {
    await expect(message).toHaveAttribute('data-state', 'succeeded', FAILED);
    await expect(message.getByTestId('reply')).toHaveText('Echo: is anyone there?');
    await expect(banner).toHaveCount(0);
  } finally {
    await gateway.close();
  }
});

test('a wrong gateway token: the message waits, saying the gateway rejected it', async ({
  page,
}) => {
  server = await startHeadless({
    name: 'bad-token',
    gatewayUrl: fromEnv(E2E_ENV.gatewayUrl),
    gatewayToken: 'not-the-token',
  });
  const chat = chatPage(page);
  await page.goto(server.url);
  await chat.send('let me in');

  // A wrong token is wrong for every task: they wait for a fixed token instead of failing.
  const message = chat.message('let me in');
  await expect(message.getByRole('alert')).toContainText(/gateway rejected the token/i, FAILED);
  await expect(message).toHaveAttribute('data-state', 'queued');
  // Said once for all messages, with what to do, and each message says what it waits for.
  const banner = page.getByTestId('gateway-banner');
  await expect(banner).toHaveAttribute('data-problem', 'rejected');
  await expect(banner).toContainText(
    "The gateway rejected the token. Paste gateway.auth.token from OpenClaw's config in Settings. Messages wait meanwhile.",
  );
  await expect(banner).toHaveRole('alert');
  await expect(message.getByTestId('state')).toHaveText(
    'Queued — #1 · Waiting for a valid gateway token',
  );
  await page.screenshot({ path: SCREENSHOT.replace('gateway-error', 'token-rejected') });
});
