import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-gateway.ts';
import { chatPage } from './support/chat-page.ts';
import { watchConsole } from './support/console-guard.ts';
import { closedPort, startHeadless, type HeadlessProcess } from './support/headless.ts';

/**
 * Issue 14's settings and first run, against a server of its own started without a gateway
 * token (a new user): the first-run card and "Test connection" name each mistake; the settings
 * page has a side navigation, inline validation, an unsaved-changes mark and a save bar that
 * stays in view.
 */
test.describe.configure({ mode: 'serial' });

let gateway: FakeGateway;
let disabled: FakeGateway;
let server: HeadlessProcess;

test.beforeAll(async () => {
  gateway = await startFakeGateway({ agents: ['main', 'research'] });
  disabled = await startFakeGateway({ chatCompletionsEnabled: false });
  server = await startHeadless({
    name: 'settings-faces',
    gatewayUrl: gateway.url,
    gatewayToken: '',
  });
});

test.afterAll(async () => {
  await server?.stop();
  await gateway?.close();
  await disabled?.close();
});

function firstRun(page: Page) {
  const card = page.getByRole('form', { name: 'Connect ClawDesk to OpenClaw' });
  return {
    card,
    url: card.getByLabel('Gateway URL', { exact: true }),
    token: card.getByLabel('Gateway token', { exact: true }),
    agent: card.getByLabel('Agent id', { exact: true }),
    test: card.getByRole('button', { name: 'Test connection' }),
    result: card.getByTestId('connection-test'),
    save: card.getByRole('button', { name: 'Save and connect' }),
  };
}

test('first run: a connection card whose test names each mistake, then connects', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await page.goto(server.url);
  await expect(chatPage(page).connection).toHaveAttribute('data-status', 'online');
  const f = firstRun(page);
  await expect(f.card).toBeVisible();
  await expect(f.url).toHaveValue(gateway.url);

  await test.step('nothing listening: unreachable, connection refused', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    await f.url.fill(url);
    await f.test.click();
    await expect(f.result).toHaveAttribute('data-verdict', 'unreachable');
    await expect(f.result).toHaveText(
      `Nothing answers at ${url} (connection refused). Is OpenClaw running, and is the URL right?`,
    );
  });

  await test.step('the endpoint switched off: names the config key', async () => {
    await f.url.fill(disabled.url);
    await f.token.fill(disabled.token);
    await f.test.click();
    await expect(f.result).toHaveAttribute('data-verdict', 'endpoint_disabled');
    await expect(f.result).toContainText('gateway.http.endpoints.chatCompletions.enabled');
  });

  await test.step('a wrong token: rejected', async () => {
    await f.url.fill(gateway.url);
    await f.token.fill('not-the-token');
    await f.test.click();
    await expect(f.result).toHaveAttribute('data-verdict', 'unauthorized');
    await expect(f.result).toContainText('rejected the token (HTTP 401)');
  });

  await test.step('an unknown agent: says which agents there are', async () => {
    await f.token.fill(gateway.token);
    await f.agent.fill('reserch');
    await f.test.click();
    await expect(f.result).toHaveAttribute('data-verdict', 'unknown_agent');
    await expect(f.result).toHaveText(
      'The gateway has no agent “reserch”. It serves: main, research.',
    );
  });

  await test.step('all right: connected; Save stores it and the card goes', async () => {
    await f.agent.fill('main');
    await f.test.click();
    await expect(f.result).toHaveAttribute('data-verdict', 'ok');
    await f.save.click();
    await expect(f.card).toHaveCount(0);
    await chatPage(page).send('hello after first run');
    await expect(chatPage(page).message('hello after first run')).toHaveAttribute(
      'data-state',
      'succeeded',
    );
  });
  expect(problems).toEqual([]);
});

async function openSettings(page: Page) {
  await page.goto(server.url);
  await page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name: 'Settings' })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
}

test('settings: side navigation, inline validation, unsaved mark, save bar in view', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openSettings(page);
  const nav = page.getByRole('navigation', { name: 'Settings sections' });
  const save = page.getByRole('button', { name: 'Save', exact: true });
  const cancel = page.getByRole('button', { name: 'Cancel', exact: true });

  await test.step('a section picked in the navigation shows with its title', async () => {
    await nav.getByRole('button', { name: 'Tools' }).click();
    await expect(nav.getByRole('button', { name: 'Tools' })).toHaveAttribute(
      'aria-current',
      'true',
    );
    const title = page.getByRole('heading', { level: 2, name: 'Tools' });
    await expect(title).toBeInViewport();
    // Save stays reachable wherever the page is scrolled.
    await expect(save).toBeInViewport();
  });

  await test.step('a bad value is named as it is typed, before Save', async () => {
    const workers = page.getByLabel('Workers', { exact: true });
    await workers.fill('99');
    await expect(page.getByTestId('settings-workerCount-msg-error')).toHaveText(
      'Enter a whole number from 1 to 32.',
    );
    await expect(workers).toHaveAttribute('aria-invalid', 'true');
    await workers.fill('4');
    await expect(page.getByTestId('settings-workerCount-msg-error')).toHaveCount(0);
  });

  await test.step('a change marks the bar and its section; Cancel puts it back', async () => {
    await expect(page.getByTestId('settings-unsaved')).toHaveText('Unsaved changes');
    await expect(nav.getByRole('button', { name: /Limits/ })).toHaveAttribute(
      'data-changed',
      'true',
    );
    await cancel.click();
    await expect(page.getByTestId('settings-unsaved')).toHaveCount(0);
    await expect(page.getByLabel('Workers', { exact: true })).toHaveValue('5');
  });

  await test.step('Save stores a change and the mark goes', async () => {
    await page.getByLabel('Keep finished tasks (days)', { exact: true }).fill('9');
    await save.click();
    await expect(page.getByTestId('settings-status')).toHaveText('Saved');
    await expect(page.getByTestId('settings-unsaved')).toHaveCount(0);
  });

  await test.step('Test connection in Settings uses the saved token', async () => {
    await nav.getByRole('button', { name: 'Connection' }).click();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByTestId('connection-test')).toHaveAttribute('data-verdict', 'ok');
  });
});
