import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { startFakeGateway, type FakeGateway, type Fault } from '../helpers/fake-gateway.ts';
import { chatPage } from './support/chat-page.ts';
import { watchConsole } from './support/console-guard.ts';
import { startHeadless, type HeadlessProcess } from './support/headless.ts';

/**
 * The shared budget as the user sees it, against a server of its own with a tiny limit:
 * 2 starts per 4 s, one call at a time, one worker. Replies take about two seconds (one of
 * "thinking", then 20 words), so four messages keep the window full for several seconds.
 */
const LIMITS = {
  CLAWDESK_RATE_PER_WINDOW: '2',
  CLAWDESK_RATE_WINDOW_MS: '4000',
  CLAWDESK_MAX_CONCURRENT: '1',
  CLAWDESK_WORKERS: '1',
};
const LAST_WORD = 'word20';
const FILLER = Array.from({ length: 20 }, (_, i) => `word${i + 1}`).join(' ');
const SCREENSHOTS = resolve(import.meta.dirname, '../../test-results/screenshots');

test.describe.configure({ mode: 'serial' });

let gateway: FakeGateway;
let server: HeadlessProcess;
/** Chat requests whose messages contain a key here get its fault; cleared to let them pass. */
const faults = new Map<string, Fault>();

test.beforeAll(async () => {
  gateway = await startFakeGateway({
    firstChunkDelayMs: 1_000,
    chunkDelayMs: 50,
    reply: (text) => `Echo: ${text}\n${FILLER}`,
    fault: (request) => {
      const body = JSON.stringify(request.body);
      return [...faults].find(([marker]) => body.includes(marker))?.[1];
    },
  });
  server = await startHeadless({
    name: 'limits',
    gatewayUrl: gateway.url,
    gatewayToken: gateway.token,
    env: LIMITS,
  });
});

test.afterAll(async () => {
  await server?.stop();
  await gateway?.close();
});

const rateLimit = (page: Page) => page.getByRole('status', { name: 'Rate limit' });

test('queued messages show their place and an ETA; the strip shows the window full', async ({
  page,
}) => {
  const problems = watchConsole(page);
  const chat = chatPage(page);
  await page.goto(server.url);
  await expect(chat.connection).toHaveAttribute('data-status', 'online');
  // The strip reads the server's limits, not the defaults.
  await expect(rateLimit(page)).toHaveText('Requests 0/2 in the last 4 s · running 0/1');

  // OpenClaw runs one turn per session, so only separate conversations compete for the budget.
  // Two conversations fill the window (2 per 4 s); a third, on screen, waits for the window,
  // and a second message of it waits for the first.
  const prompts = ['limit one', 'limit two', 'limit three', 'limit four'];
  await chat.send('limit one');
  await chat.newChat.click();
  await chat.send('limit two');
  await test.step('the strip shows the window full', async () => {
    await expect(rateLimit(page)).toContainText('Requests 2/2 in the last 4 s');
    await expect(page.getByTestId('rate-limit')).toHaveAttribute('data-full', 'true');
    await page.screenshot({ path: resolve(SCREENSHOTS, 'limits.png') });
  });
  await chat.newChat.click();
  await chat.send('limit three');
  await chat.send('limit four');
  await expect(chat.messages).toHaveCount(2);
  const third = chat.message('limit three');
  const fourth = chat.message('limit four');

  await test.step('a message waits in line with a place, an ETA and the limit', async () => {
    await expect(third.getByTestId('state')).toHaveText(
      // The window (about 2 s left) or the one slot, whichever the page sees first.
      /^Queued — #[1-3], (starts in about \d+ s|starts when a running request ends) \(2 per 4 s\)$/,
    );
    await expect(third.getByRole('button', { name: 'Cancel' })).toBeVisible();
  });

  await test.step('a message behind another of its conversation says it waits for that one', async () => {
    await expect(fourth.getByTestId('state')).toHaveText(
      /^Queued — #[1-4] · Waits for the earlier message of this conversation$/,
    );
  });

  await test.step('a running message says the model is thinking, then streams', async () => {
    // The gateway stays silent for a second before the first word: that is the phase shown.
    await expect
      .poll(() => third.getByTestId('state').textContent(), { intervals: [50] })
      .toBe('Model thinking…');
  });

  await test.step('all four finish, in full, and nothing is left queued', async () => {
    for (const prompt of prompts) {
      const conversation = prompt === 'limit four' ? 'limit three' : prompt;
      await chat.conversations.filter({ hasText: conversation }).first().click();
      const message = chat.message(prompt);
      await expect(message).toHaveAttribute('data-state', 'succeeded');
      await expect(message.getByTestId('state')).toHaveText('Done');
      await expect(message.getByTestId('reply')).toContainText(`Echo: ${prompt}`);
      await expect(message.getByTestId('reply')).toContainText(LAST_WORD);
      // Finished: no task action is offered any more (copy and regenerate are not task actions).
      await expect(
        message.getByRole('button', { name: /^(Cancel|Pause|Resume|Retry)$/ }),
      ).toHaveCount(0);
    }
    // The one worker and the one slot were never exceeded upstream.
    expect(gateway.stats.maxInFlight).toBe(1);
    // Units come back a window after they were spent, and the strip follows.
    await expect(rateLimit(page)).toHaveText('Requests 0/2 in the last 4 s · running 0/1');
  });

  expect(problems).toEqual([]);
});

test('text streamed before a cut stays, marked interrupted, until the new answer replaces it', async ({
  page,
}) => {
  const problems = watchConsole(page);
  const chat = chatPage(page);
  await page.goto(server.url);
  await expect(chat.connection).toHaveAttribute('data-status', 'online');
  await chat.newChat.click();
  // The connection breaks after a few words, as when the gateway dies mid-answer (issue 12).
  faults.set('cut mid-answer', { kind: 'reset', afterChunks: 4 });
  await chat.send('cut mid-answer');
  const message = chat.message('cut mid-answer');
  const mark = message.getByTestId('interrupted-mark');
  await expect(mark).toBeVisible();
  faults.delete('cut mid-answer');
  await expect(message.getByTestId('reply')).toHaveAttribute('data-interrupted', 'true');
  await expect(message.getByTestId('reply')).toContainText('Echo: cut mid-answer');
  // The next run (a second of "thinking", then words) replaces it; nothing is doubled.
  await expect(message).toHaveAttribute('data-state', 'succeeded');
  await expect(mark).toHaveCount(0);
  await expect(message.getByTestId('reply')).toHaveText(`Echo: cut mid-answer\n${FILLER}`);
  expect(problems).toEqual([]);
});

test('a message refused for good offers Retry, which runs it again', async ({ page }) => {
  const problems = watchConsole(page);
  const chat = chatPage(page);
  await page.goto(server.url);
  await expect(chat.connection).toHaveAttribute('data-status', 'online');
  await chat.newChat.click();

  faults.set('refused once', { kind: 'status', status: 400 });
  await chat.send('refused once');
  const message = chat.message('refused once');
  const retry = message.getByRole('button', { name: 'Retry' });

  await test.step('a 400 fails at once, with the reason and a Retry button', async () => {
    await expect(message).toHaveAttribute('data-state', 'failed');
    await expect(message.getByTestId('state')).toHaveText('Failed');
    await expect(message.getByRole('alert')).toContainText('HTTP 400');
    await expect(retry).toBeVisible();
    await expect(message.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
    await page.screenshot({ path: resolve(SCREENSHOTS, 'limits-retry.png') });
  });

  await test.step('Retry runs it again; this time the gateway answers', async () => {
    faults.delete('refused once');
    const before = gateway.chatRequests().length;
    await retry.click();
    await expect(message).toHaveAttribute('data-state', 'succeeded');
    await expect(message.getByTestId('reply')).toContainText('Echo: refused once');
    await expect(message.getByTestId('error')).toHaveCount(0);
    await expect(retry).toHaveCount(0);
    expect(gateway.chatRequests().length).toBe(before + 1);
  });

  await test.step('Cancel stops a message; a cancelled one can be retried', async () => {
    // The gateway never answers this one: it is still in flight whenever the click lands.
    faults.set('changed my mind', { kind: 'no-headers' });
    await chat.send('changed my mind');
    const cancelled = chat.message('changed my mind');
    await expect(cancelled).toHaveAttribute('data-state', 'running');
    await cancelled.getByRole('button', { name: 'Cancel' }).click();
    await expect(cancelled).toHaveAttribute('data-state', 'cancelled');
    await expect(cancelled.getByTestId('state')).toHaveText('Cancelled');
    faults.delete('changed my mind');
    await cancelled.getByRole('button', { name: 'Retry' }).click();
    await expect(cancelled).toHaveAttribute('data-state', 'succeeded');
    await expect(cancelled.getByTestId('reply')).toContainText(LAST_WORD);
  });

  // A refusal is a notice, not a console error: the page stayed clean throughout.
  await expect(page.getByTestId('notice')).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('a 429 pauses everyone: the strip says until when, the message when it starts', async ({
  page,
}) => {
  const chat = chatPage(page);
  await page.goto(server.url);
  await expect(chat.connection).toHaveAttribute('data-status', 'online');
  await chat.newChat.click();

  faults.set('too many', { kind: 'status', status: 429, headers: { 'retry-after': '30' } });
  await chat.send('too many');
  const message = chat.message('too many');

  // A 429 is retryable: the message waits in line with the reason, not failed.
  await expect(message.getByRole('alert')).toContainText('HTTP 429');
  await expect(message).toHaveAttribute('data-state', 'queued');
  await expect(page.getByTestId('rate-limit-pause')).toHaveText(
    /^Paused until \d\d:\d\d:\d\d after a 429$/,
  );
  // The ETA counts the pause: seconds away, not "now".
  await expect(message.getByTestId('state')).toHaveText(
    /^Queued — #1, starts in about \d+ s \(2 per 4 s\)/,
  );
  await page.screenshot({ path: resolve(SCREENSHOTS, 'limits-paused.png') });

  await message.getByRole('button', { name: 'Cancel' }).click();
  await expect(message).toHaveAttribute('data-state', 'cancelled');
  await expect(message.getByRole('button', { name: 'Retry' })).toBeVisible();
});
