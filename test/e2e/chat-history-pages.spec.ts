import { readFile } from 'node:fs/promises';
import type { WebSocket } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { openBridge, type BridgeClient } from '../helpers/bridge-client.ts';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-gateway.ts';
import { chatPage } from './support/chat-page.ts';
import { watchConsole } from './support/console-guard.ts';
import { startHeadless, type HeadlessProcess } from './support/headless.ts';

/**
 * A conversation longer than one page of history (130 tasks, pages of 100), against a server
 * of its own with quick replies and a budget that never makes them wait: it opens with its
 * latest page, older messages come in order as the user scrolls up, the view stays on the
 * message it showed, and an export still holds the whole conversation.
 */
const TASKS = 130;
const prompt = (n: number): string => `paging ${String(n).padStart(3, '0')}`;

test.describe.configure({ mode: 'serial' });

let gateway: FakeGateway;
let server: HeadlessProcess;
let bridge: BridgeClient;
/** Task ids of the seeded conversation, oldest first. */
const seeded: string[] = [];
let conversationId = '';

test.beforeAll(async () => {
  gateway = await startFakeGateway({ reply: (text) => `Echo: ${text}` });
  server = await startHeadless({
    name: 'pages',
    gatewayUrl: gateway.url,
    gatewayToken: gateway.token,
    env: {
      CLAWDESK_RATE_PER_WINDOW: '100000',
      CLAWDESK_MAX_CONCURRENT: '8',
      CLAWDESK_WORKERS: '4',
    },
  });
  bridge = await openBridge(server.url);
  const first = await bridge.call('chat.send', { text: prompt(1) });
  conversationId = first.conversation.id;
  seeded.push(first.task.id);
  for (let n = 2; n <= TASKS; n++) {
    seeded.push((await bridge.call('chat.send', { conversationId, text: prompt(n) })).task.id);
  }
  await expect
    .poll(async () => {
      const tasks = await bridge.call('chat.history', { conversationId });
      return tasks.filter((t) => t.state === 'succeeded').length;
    })
    .toBe(TASKS);
});

test.afterAll(async () => {
  bridge?.close();
  await server?.stop();
  await gateway?.close();
});

/** The `chat.history` requests the page sends, and the number of tasks in each answer. */
function watchHistory(socket: WebSocket) {
  const asked = new Map<number, unknown>();
  const pages: { params: unknown; tasks: number }[] = [];
  socket.on('framesent', ({ payload }) => {
    const request = JSON.parse(String(payload)) as { id: number; method: string; params: unknown };
    if (request.method === 'chat.history') asked.set(request.id, request.params);
  });
  socket.on('framereceived', ({ payload }) => {
    const message = JSON.parse(String(payload)) as { kind: string; id?: number; result?: unknown };
    if (message.kind !== 'result' || !asked.has(message.id ?? -1)) return;
    const params = asked.get(message.id ?? -1);
    pages.push({ params, tasks: (message.result as unknown[]).length });
  });
  return pages;
}

test('a long conversation opens at its latest page and reads older ones on the way up', async ({
  page,
}) => {
  const problems = watchConsole(page);
  const chat = chatPage(page);
  const scroller = page.getByTestId('message-scroll');
  const earlier = page.getByTestId('earlier-messages');
  /** As a user does: the mouse wheel, far up, over the messages. */
  const toTop = async (): Promise<void> => {
    await scroller.hover();
    await page.mouse.wheel(0, -1_000_000);
  };
  let pages: ReturnType<typeof watchHistory> = [];
  page.on('websocket', (socket) => (pages = watchHistory(socket)));
  await page.goto(server.url);
  await expect(chat.connection).toHaveAttribute('data-status', 'online');

  await test.step('it opens at the end, with only the latest page read', async () => {
    await expect(chat.title).toHaveText(prompt(1));
    await expect(chat.message(prompt(TASKS))).toBeInViewport();
    expect(pages).toEqual([{ params: { conversationId, limit: 100 }, tasks: 100 }]);
    // Older messages exist: the row above the oldest one loaded says they are coming.
    await expect(earlier).toHaveText('Loading earlier messages…');
  });

  await test.step('at the top, the page before comes in above, the view stays put', async () => {
    await toTop();
    const oldestLoaded = chat.message(prompt(TASKS - 99));
    await expect(oldestLoaded).toBeInViewport();
    // The remaining 30 are a short page: the start, so the row goes.
    await expect(earlier).toHaveCount(0);
    await expect(chat.message(prompt(TASKS - 100))).toBeAttached();
    await expect(oldestLoaded).toBeInViewport();
    expect(pages.slice(1)).toEqual([
      { params: { conversationId, limit: 100, before: seeded[TASKS - 100] }, tasks: 30 },
    ]);
  });

  await test.step('further up, the first messages, in order', async () => {
    await toTop();
    await expect(chat.message(prompt(1))).toBeInViewport();
    const shown = await chat.messages.getByTestId('prompt').allTextContents();
    expect(shown.length).toBeGreaterThan(5);
    expect(shown).toEqual(shown.map((_, i) => prompt(i + 1)));
    expect(pages).toHaveLength(2);
  });

  await test.step('a new message still goes to the end and streams in', async () => {
    await chat.send(prompt(TASKS + 1));
    const latest = chat.message(prompt(TASKS + 1));
    await expect(latest).toHaveAttribute('data-state', 'succeeded');
    await expect(latest).toBeInViewport();
    await expect(latest.getByTestId('reply')).toHaveText(`Echo: ${prompt(TASKS + 1)}`);
  });

  await test.step('the export holds the whole conversation, first message included', async () => {
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export conversation' }).click();
    const text = await readFile(await (await downloading).path(), 'utf8');
    expect(text.match(/\*\*You:\*\*/g)).toHaveLength(TASKS + 1);
    expect(text).toContain(`> ${prompt(1)}\n\n**ClawDesk:**\n\nEcho: ${prompt(1)}`);
    expect(text.indexOf(`> ${prompt(1)}`)).toBeLessThan(text.indexOf(`> ${prompt(TASKS)}`));
  });
  expect(problems).toEqual([]);
});
