import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Db } from '../../src/main/core/database.ts';
import { defaultSettings } from '../../src/main/core/settings.ts';
import { startHeadless, type HeadlessServer } from '../../src/main/headless/server.ts';
import { fillDisk, freeDisk } from '../helpers/full-disk.ts';
import { chatPage } from './support/chat-page.ts';
import { E2E_ENV, fromEnv } from './support/env.ts';
import { expect, test } from './support/fixtures.ts';
import { recordServerStart, recordServerStop } from './support/leak-scan.ts';

/**
 * Issue 7: the banner when ClawDesk cannot save. The disk is made "full" with SQLite itself
 * (root ignores permissions, and a real full disk is not something a test run should make),
 * so this server runs in the test's own process, where the test-only `onDatabaseOpen` seam
 * reaches its database; the page is the built renderer, as users get it.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const SCREENSHOT = resolve(ROOT, 'test-results/screenshots/storage-banner.png');
/** Kept for the run's secret scan (global teardown), like the log of every other server. */
const LOG_FILE = resolve(ROOT, 'test-results/storage-banner-server.log');

let server: HeadlessServer | undefined;
let dataDir: string | undefined;
test.afterEach(async () => {
  await server?.close();
  server = undefined;
  if (dataDir) recordServerStop('storage-banner', dataDir);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('a full disk: a banner on every view says what to do; it goes once there is room', async ({
  page,
  browser,
}) => {
  dataDir = mkdtempSync(join(tmpdir(), 'clawdesk-e2e-storage-'));
  mkdirSync(dirname(LOG_FILE), { recursive: true });
  writeFileSync(LOG_FILE, '');
  recordServerStart('storage-banner', LOG_FILE, dataDir);
  let db: Db | undefined;
  server = await startHeadless({
    dataDir,
    settings: defaultSettings({
      gateway: {
        url: fromEnv(E2E_ENV.gatewayUrl),
        token: fromEnv(E2E_ENV.gatewayToken),
        agentId: 'main',
      },
      storageProbeMs: 200,
    }),
    port: 0,
    host: '127.0.0.1',
    rendererDir: join(ROOT, 'out/renderer'),
    workerEntry: join(ROOT, 'src/worker/index.ts'),
    log: (line) => appendFileSync(LOG_FILE, `${line}\n`),
    onDatabaseOpen: (opened) => (db = opened),
  });
  const chat = chatPage(page);
  await page.goto(server.url);
  await chat.send('before the disk filled');
  await expect(chat.message('before the disk filled')).toHaveAttribute('data-state', 'succeeded');

  fillDisk(db!);
  const banner = page.getByTestId('storage-banner');
  const english =
    `ClawDesk cannot save: the disk holding ${dataDir} is full. Free some space on it. New ` +
    'messages are refused until then; replies that arrive meanwhile are shown, and saved once ' +
    'there is room. ClawDesk tries again by itself.';
  const long = `a long message ${'x'.repeat(20_000)}`;
  await chat.send(long);
  await expect(page.getByTestId('notice')).toContainText(
    `cannot save: the disk holding ${dataDir} is full.`,
  );
  await expect(banner).toHaveRole('alert');
  await expect(banner).toHaveText(english);
  await expect(banner).toHaveAttribute('data-kind', 'full');
  // The refused message is back in the composer, not lost; the history still reads.
  await expect(chat.composer).toHaveValue(long);
  await expect(chat.message('before the disk filled')).toBeVisible();
  await page.screenshot({ path: SCREENSHOT });

  // The task monitor says it too.
  const views = page.getByRole('navigation', { name: 'Views' });
  await views.getByRole('button', { name: 'Tasks' }).click();
  await expect(banner).toHaveText(english);

  // A window opened meanwhile shows it at once, in its own language.
  const zhContext = await browser.newContext({ locale: 'zh-CN' });
  const zhPage = await zhContext.newPage();
  await zhPage.goto(server.url);
  await expect(zhPage.getByTestId('storage-banner')).toHaveText(
    `ClawDesk 无法保存：${dataDir} 所在的磁盘已满。请在该磁盘上释放一些空间。在此之前新消息会被拒绝；` +
      '期间收到的回复会照常显示，并在有空间后保存。ClawDesk 会自动重试。',
  );
  await zhPage.screenshot({ path: SCREENSHOT.replace('storage-banner', 'storage-banner-zh') });

  // Room again: the banner goes by itself, in both windows, and messages go through.
  freeDisk(db!);
  await expect(banner).toHaveCount(0);
  await expect(zhPage.getByTestId('storage-banner')).toHaveCount(0);
  await zhContext.close();
  await views.getByRole('button', { name: 'Chat' }).click();
  await chat.send('after the disk was freed');
  await expect(chat.message('after the disk was freed')).toHaveAttribute('data-state', 'succeeded');
});
