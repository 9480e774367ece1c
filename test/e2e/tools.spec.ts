import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, test } from './support/fixtures.ts';
import { chatPage } from './support/chat-page.ts';
import { watchConsole } from './support/console-guard.ts';
import { E2E_ENV, fromEnv } from './support/env.ts';
import { startHeadless, type HeadlessProcess } from './support/headless.ts';
import { NO_BWRAP } from '../helpers/bwrap.ts';

let server: HeadlessProcess | undefined;
let workspace: string | undefined;
test.afterEach(async () => {
  await server?.stop();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

test('a tool call under "ask" waits for Approve, runs, and is listed under the reply', async ({
  page,
}) => {
  workspace = mkdtempSync(join(tmpdir(), 'clawdesk-e2e-tools-ws-'));
  server = await startHeadless({
    name: 'tools',
    gatewayUrl: fromEnv(E2E_ENV.gatewayUrl),
    gatewayToken: fromEnv(E2E_ENV.gatewayToken),
    env: { CLAWDESK_TOOLS: 'on', CLAWDESK_WORKSPACE: workspace },
  });
  const problems = watchConsole(page);
  const chat = chatPage(page);
  await page.goto(server.url);
  const prompt = 'write it [[tool:write_file]] [[args:{"path":"a.txt","content":"hi"}]]';
  await chat.send(prompt);
  const message = chat.message(prompt);

  // write_file is "ask" by default: the exact call waits for the user.
  const approval = message.getByRole('group', { name: 'Tool approval' });
  await expect(approval).toBeVisible();
  await expect(approval).toContainText('The agent wants to run write_file');
  await expect(approval.locator('pre')).toContainText('"path": "a.txt"');
  await expect(approval.locator('pre')).toContainText('"content": "hi"');
  expect(existsSync(join(workspace, 'a.txt'))).toBe(false);

  await approval.getByRole('button', { name: 'Approve' }).click();
  await expect(approval).toHaveCount(0);
  await expect(message).toHaveAttribute('data-state', 'succeeded');
  await expect(message.getByTestId('reply')).toContainText('Tool said:');

  const call = message.getByTestId('tool-call');
  await expect(call).toHaveCount(1);
  await expect(call).toHaveAttribute('data-tool', 'write_file');
  await expect(call).toHaveAttribute('data-ok', 'true');
  await expect(call).toContainText('approved');
  expect(readFileSync(join(workspace, 'a.txt'), 'utf8')).toBe('hi');
  expect(problems).toEqual([]);
});

test('the monitor shows the waiting call; Deny there goes back to the agent as the result', async ({
  page,
}) => {
  workspace = mkdtempSync(join(tmpdir(), 'clawdesk-e2e-tools-ws-'));
  server = await startHeadless({
    name: 'tools-deny',
    gatewayUrl: fromEnv(E2E_ENV.gatewayUrl),
    gatewayToken: fromEnv(E2E_ENV.gatewayToken),
    env: { CLAWDESK_TOOLS: 'on', CLAWDESK_WORKSPACE: workspace },
  });
  const problems = watchConsole(page);
  const chat = chatPage(page);
  await page.goto(server.url);
  const prompt = 'deny it [[tool:write_file]] [[args:{"path":"b.txt","content":"no"}]]';
  await chat.send(prompt);
  await expect(chat.message(prompt).getByRole('group', { name: 'Tool approval' })).toBeVisible();

  await page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name: 'Tasks' })
    .click();
  const grid = page.getByRole('grid', { name: 'Task list' });
  await grid.getByRole('row').filter({ hasText: 'deny it' }).click();
  const detail = page.getByRole('complementary', { name: 'Task details' });
  const approval = detail.getByRole('group', { name: 'Tool approval' });
  await expect(approval).toContainText('The agent wants to run write_file');
  await approval.getByRole('button', { name: 'Deny' }).click();
  await expect(approval).toHaveCount(0);
  await expect(detail.getByTestId('detail-state')).toHaveText('Done');
  const call = detail.getByTestId('tool-call');
  await expect(call).toHaveCount(1);
  await expect(call).toContainText('denied');
  expect(existsSync(join(workspace, 'b.txt'))).toBe(false);
  expect(problems).toEqual([]);
});

test('with local tools off, a tool call is answered so, and the reply notes where to turn them on', async ({
  page,
}) => {
  // The shared server runs with tools off (the default).
  const chat = chatPage(page);
  await page.goto(fromEnv(E2E_ENV.appUrl));
  const prompt = 'weather please [[tool:get_weather]] [[args:{"city":"Oslo"}]]';
  await chat.send(prompt);
  const message = chat.message(prompt);
  await expect(message).toHaveAttribute('data-state', 'succeeded');
  // The model got a tool result saying the tools are off, and answered with it (issue 12).
  await expect(message.getByTestId('reply')).toContainText(
    "Tool said: ClawDesk's local tools are off",
  );
  const call = message.getByTestId('tool-call');
  await expect(call).toHaveAttribute('data-tool', 'get_weather');
  const note = message.getByTestId('tools-off');
  await expect(note).toContainText(
    'The model asked for a tool, but ClawDesk’s local tools are off.',
  );
  await note.getByRole('button', { name: 'Turn them on in Settings → Tools' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
});

test('an approved exec_python runs in the OS sandbox: the data folder shows only the workspace', async ({
  page,
}) => {
  test.skip(NO_BWRAP !== undefined && !process.env.CI, `no bubblewrap here: ${NO_BWRAP}`);
  // The default workspace, a folder of the data folder, where the database and its token live.
  const dataDir = mkdtempSync(join(tmpdir(), 'clawdesk-e2e-sandbox-'));
  workspace = dataDir;
  server = await startHeadless({
    name: 'tools-sandbox',
    gatewayUrl: fromEnv(E2E_ENV.gatewayUrl),
    gatewayToken: fromEnv(E2E_ENV.gatewayToken),
    dataDir,
    env: { CLAWDESK_TOOLS: 'on' },
  });
  const chat = chatPage(page);
  await page.goto(server.url);
  const code = `import os\nprint('seen', sorted(os.listdir(${JSON.stringify(dataDir)})))`;
  const prompt = `look [[tool:exec_python]] [[args:${JSON.stringify({ code })}]]`;
  await chat.send(prompt);
  const message = chat.message(prompt);
  const approval = message.getByRole('group', { name: 'Tool approval' });
  await expect(approval).toContainText('The agent wants to run exec_python');
  await approval.getByRole('button', { name: 'Approve' }).click();
  await expect(message).toHaveAttribute('data-state', 'succeeded');
  await expect(message.getByTestId('reply')).toContainText("seen ['workspace']");
});

test('without a sandbox Settings says so, and exec tools cannot be set to Allow', async ({
  page,
}) => {
  // A PATH holding only node: the server's start-up check finds no bwrap, as on Windows or a
  // Linux machine without bubblewrap.
  server = await startHeadless({
    name: 'tools-no-sandbox',
    gatewayUrl: fromEnv(E2E_ENV.gatewayUrl),
    gatewayToken: fromEnv(E2E_ENV.gatewayToken),
    env: { CLAWDESK_TOOLS: 'on', PATH: dirname(process.execPath) },
  });
  await page.goto(server.url);
  await page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name: 'Settings' })
    .click();
  const note = page.getByTestId('tool-sandbox');
  await expect(note).toHaveAttribute('data-kind', 'none');
  await expect(note).toContainText('No sandbox for exec_command and exec_python');
  await expect(note).toContainText('bubblewrap (bwrap) is not installed');
  for (const tool of ['exec_command', 'exec_python']) {
    const select = page.getByLabel(tool, { exact: true });
    await expect(select.locator('option[value="allow"]')).toBeDisabled();
    await expect(select.locator('option[value="ask"]')).toBeEnabled();
    await expect(page.getByLabel(`${tool} may use the network`, { exact: true })).toBeDisabled();
  }
  // Other tools keep all three choices.
  await expect(
    page.getByLabel('write_file', { exact: true }).locator('option[value="allow"]'),
  ).toBeEnabled();
});
