import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-gateway.ts';
import { skipWithoutRedis, startRedis, type RedisServer } from '../helpers/redis-server.ts';
import { BudgetSwitch } from '../../src/main/core/budget-switch.ts';
import type { Grant } from '../../src/main/core/rate-limit-types.ts';
import { chatPage } from './support/chat-page.ts';
import { watchConsole } from './support/console-guard.ts';
import { startHeadless, type HeadlessProcess } from './support/headless.ts';

/**
 * The budget shared through Redis as the user sees it (issue 15): the server's strip and
 * monitor name the installs sharing it and their use, then the local share while Redis is
 * killed, then the shared budget again once it is back. The second install is a budget of this
 * test process on the same Redis.
 */
const SCREENSHOTS = resolve(import.meta.dirname, '../../test-results/screenshots');
const LIMITS = { perWindow: 6, windowMs: 60_000, maxConcurrent: 4 };

test.describe.configure({ mode: 'serial' });
test.skip(skipWithoutRedis('the shared budget in the browser'), 'redis-server is not installed');

let redis: RedisServer;
let gateway: FakeGateway;
let server: HeadlessProcess;
let desktop: BudgetSwitch;
const held: Grant[] = [];

test.beforeAll(async () => {
  redis = await startRedis();
  gateway = await startFakeGateway();
  server = await startHeadless({
    name: 'shared-budget',
    gatewayUrl: gateway.url,
    gatewayToken: gateway.token,
    env: {
      CLAWDESK_REDIS_URL: redis.url,
      CLAWDESK_BUDGET_NAME: 'household',
      CLAWDESK_INSTALL_NAME: 'laptop',
      CLAWDESK_RATE_PER_WINDOW: String(LIMITS.perWindow),
      CLAWDESK_RATE_WINDOW_MS: String(LIMITS.windowMs),
      CLAWDESK_MAX_CONCURRENT: String(LIMITS.maxConcurrent),
    },
  });
  desktop = new BudgetSwitch({
    settings: LIMITS,
    sharing: { enabled: true, url: redis.url, name: 'household', installName: 'desktop' },
    install: { id: 'e2e-desktop', name: 'desktop' },
  });
});

test.afterAll(async () => {
  desktop?.stop();
  await server?.stop();
  await gateway?.close();
  await redis?.stop();
});

const strip = (page: Page) => page.getByTestId('shared-budget');

test('the strip and the monitor show who shares the budget, then the local share while Redis is away', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await page.goto(server.url);
  await expect(chatPage(page).connection).toHaveAttribute('data-status', 'online');
  // Two calls of the other install, in flight: they count in this install's strip too.
  for (let i = 0; i < 2; i++) {
    const grant = await desktop.acquire(0);
    grant.reachedUpstream();
    held.push(grant);
  }
  await test.step('shared: the strip names the budget and the installs', async () => {
    await expect(strip(page)).toHaveText('Shared budget “household” across 2 installs');
    await expect(strip(page)).toHaveAttribute('data-state', 'shared');
    await expect(page.getByTestId('rate-limit-usage')).toContainText(
      'Requests 2/6 in the last minute',
    );
  });
  const views = page.getByRole('navigation', { name: 'Views' });
  await views.getByRole('button', { name: 'Tasks' }).click();
  const installs = page.getByRole('list', { name: 'Installs sharing the budget' });
  await test.step('the monitor lists each install and its use', async () => {
    await expect(installs.getByRole('listitem')).toHaveText([
      'laptop (this install) — 0 in the window, 0 running',
      'desktop — 2 in the window, 2 running',
    ]);
    await page.screenshot({ path: resolve(SCREENSHOTS, 'shared-budget.png') });
  });
  await redis.kill();
  await test.step('offline: a local share of 6 ÷ 2 installs, said in the monitor', async () => {
    const shared = page.getByTestId('limiter-shared');
    await expect(shared).toHaveAttribute('data-state', 'offline');
    await expect(shared).toContainText('Shared budget offline — local share 3/min');
    await expect(shared).toContainText('rejoins by itself');
  });
  await views.getByRole('button', { name: 'Chat' }).click();
  await expect(strip(page)).toContainText('Shared budget offline — local share 3/min');
  await redis.restart();
  await test.step('back: it rejoins by itself', async () => {
    await expect(strip(page)).toHaveText('Shared budget “household” across 2 installs');
  });
  for (const grant of held.splice(0)) grant.release({ kind: 'ok' });
  expect(problems).toEqual([]);
});
