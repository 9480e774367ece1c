import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './support/fixtures.ts';
import { chatPage } from './support/chat-page.ts';
import { watchConsole } from './support/console-guard.ts';
import { E2E_ENV, fromEnv } from './support/env.ts';
import { startHeadless, type HeadlessProcess } from './support/headless.ts';

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
  await expect(call).toContainText('tools off');
  const note = message.getByTestId('tools-off-note');
  await expect(note).toContainText("ClawDesk's tools are off");
  await note.getByRole('button', { name: 'Turn them on in Settings → Tools' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
});
