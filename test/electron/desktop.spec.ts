import type { ElectronApplication, Page } from '@playwright/test';
import { expect, test } from '@playwright/test';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-gateway.ts';
import { chatPage } from '../e2e/support/chat-page.ts';
import { NO_ELECTRON, dataFolder, launchApp, type LaunchedApp } from './support/app.ts';
import { clickTrayItem, trayItems, watchNotifications, watchTrayMenu } from './support/shell.ts';

/**
 * The desktop app in Electron itself: the built app launched with Electron's program, a fake
 * OpenClaw gateway in this process. Where the program is missing, scripts/test-electron.ts
 * skips the run with one line; the guard below covers `playwright test` run directly.
 */
test.skip(!!NO_ELECTRON, `Electron end-to-end tests need Electron's program: ${NO_ELECTRON}`);

const words = (n: number): string => Array.from({ length: n }, (_, i) => `w${i + 1}`).join(' ');
/** A reply of 40 words at 80 ms each: about 3 s of streaming, long enough to watch. */
const LAST_WORD = 'w40';

let gateway: FakeGateway;
let data: ReturnType<typeof dataFolder>;
let launched: LaunchedApp | undefined;

test.beforeEach(async () => {
  gateway = await startFakeGateway({
    firstChunkDelayMs: 200,
    chunkDelayMs: 80,
    reply: (text) => `Echo: ${text}\n${words(40)}`,
  });
  data = dataFolder();
});

test.afterEach(async () => {
  const testInfo = test.info();
  if (launched && testInfo.status !== testInfo.expectedStatus) {
    await testInfo.attach('main-process.log', { body: launched.log.join('') });
  }
  await launched?.app.close().catch(() => {});
  launched = undefined;
  await gateway.close();
  data.remove();
});

async function start(): Promise<{ app: ElectronApplication; window: Page }> {
  launched = await launchApp(data.path, gateway);
  return launched;
}

test('a chat message runs in a utilityProcess worker and its reply streams over the port', async () => {
  const { app, window } = await start();
  // The page comes from the app:// protocol, not from a file.
  expect(window.url()).toMatch(/^app:\/\/clawdesk\/index\.html/);
  const chat = chatPage(window);
  await chat.send('hello from electron');
  const message = chat.message('hello from electron');
  const reply = message.getByTestId('reply');
  // Task events reach the page over its MessagePort as they happen: part of the reply shows
  // while the rest is still on its way.
  await expect
    .poll(async () => {
      const text = (await reply.textContent()) ?? '';
      return text.includes('Echo: hello from electron') && !text.includes(LAST_WORD);
    })
    .toBe(true);
  await expect(message).toHaveAttribute('data-state', 'succeeded');
  await expect(reply).toContainText(LAST_WORD);
  // The request went out from a utility process of ours, not from the main process.
  const utilities = await app.evaluate(({ app: electronApp }) =>
    electronApp
      .getAppMetrics()
      .filter((metric) => metric.type === 'Utility')
      .map((metric) => metric.name),
  );
  expect(utilities).toContain('ClawDesk worker');
  expect(gateway.chatRequests()).toHaveLength(1);
});

test('the tray menu lists running tasks and its items act', async () => {
  const { app, window } = await start();
  await watchTrayMenu(app);
  gateway.configure({ chunkDelayMs: 300 });
  const chat = chatPage(window);
  await chat.send('tray task');
  await expect
    .poll(async () => (await trayItems(app)).map((item) => item.id))
    .toEqual(expect.arrayContaining(['open', 'pause-all', 'resume-all', 'quit']));
  await expect
    .poll(async () => (await trayItems(app)).find((item) => item.id?.startsWith('task:'))?.label)
    .toMatch(/^tray task — /);
  expect((await trayItems(app)).find((item) => item.enabled === false)?.label).toMatch(/running/);

  await clickTrayItem(app, 'pause-all');
  await expect(chat.message('tray task')).toHaveAttribute('data-state', 'paused');
  await clickTrayItem(app, 'resume-all');
  await expect(chat.message('tray task')).toHaveAttribute('data-state', /^(queued|running)$/);

  const closed = app.waitForEvent('close');
  await clickTrayItem(app, 'quit');
  await closed;
  launched = undefined;
});

test('a finished background task notifies, and a click on it opens the task', async () => {
  const { app, window } = await start();
  await watchNotifications(app);
  const chat = chatPage(window);
  await window.getByRole('checkbox', { name: 'Run as background task' }).check();
  await chat.send('background report');
  await expect
    .poll(() =>
      app.evaluate(() =>
        (
          (globalThis as { shownNotifications?: Electron.Notification[] }).shownNotifications ?? []
        ).map((notification) => `${notification.title}: ${notification.body}`),
      ),
    )
    .toContain('Task finished: background report');
  await app.evaluate(() => {
    const shown = (globalThis as { shownNotifications?: Electron.Notification[] })
      .shownNotifications!;
    shown.find((notification) => notification.title === 'Task finished')!.emit('click');
  });
  const detail = window.getByRole('complementary', { name: 'Task details' });
  await expect(detail.getByTestId('task-output')).toContainText('Echo: background report');
});

test('quitting with a task running finds it again at the next start, and finishes it', async () => {
  // Slow enough to quit in the middle of the reply.
  gateway.configure({ chunkDelayMs: 1_000 });
  const first = await start();
  const chat = chatPage(first.window);
  await chat.send('survive a quit');
  await expect(chat.message('survive a quit').getByTestId('reply')).toContainText('Echo:');
  await first.app.close();
  launched = undefined;

  gateway.configure({ chunkDelayMs: 5 });
  const again = await start();
  const message = chatPage(again.window).message('survive a quit');
  await expect(message).toHaveCount(1);
  await expect(message).toHaveAttribute('data-state', 'succeeded');
  await expect(message.getByTestId('reply')).toContainText(LAST_WORD);
  // Sent before the quit, and at most once more after the restart (not at all when the
  // gateway's transcript already holds the answer): nothing lost, nothing sent over and over.
  expect(gateway.chatRequests().length).toBeGreaterThanOrEqual(1);
  expect(gateway.chatRequests().length).toBeLessThanOrEqual(2);
});
