/**
 * Issue 12's scenarios: ClawDesk itself (the core, real worker processes) against the REAL
 * OpenClaw gateway of the harness, with the fake model provider behind it. What each case
 * saw is written to test-results/openclaw/observations.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClawDeskCore } from '../../src/main/core/core.ts';
import { checkGateway } from '../../src/main/core/gateway-check.ts';
import type { CoreSettings } from '../../src/main/core/settings.ts';
import type { TaskEvent } from '../../src/shared/ipc-contract.ts';
import type { TaskView } from '../../src/shared/task.ts';
import type { UpstreamStatus } from '../../src/shared/upstream.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { allFinished, sendOk, startClawDeskCore } from './support/clawdesk.ts';
import { useOpenClaw } from './support/fixture.ts';
import { observe } from './support/observations.ts';
import { messageText, readHistory, type ChatHistory } from './support/operator.ts';
import { brief } from './support/scenario.ts';

const env = useOpenClaw();
const MINUTES = 60_000;

/** A ClawDesk core of its own against the suite's gateway; closed and removed after `body`. */
async function withClawDesk(
  overrides: Partial<CoreSettings>,
  body: (desk: { core: ClawDeskCore; events: TaskEvent[]; dir: string }) => Promise<void>,
): Promise<void> {
  const dir = tempDir('clawdesk-oc-scenario-');
  const started = startClawDeskCore(env.gateway, join(dir.path, 'clawdesk.sqlite'), overrides);
  try {
    await body({ core: started.core, events: started.events, dir: dir.path });
  } finally {
    await started.core.close();
    dir.cleanup();
  }
}

async function status(core: ClawDeskCore): Promise<UpstreamStatus> {
  const outcome = await core.dispatch('upstream.status', {});
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.result as UpstreamStatus;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const transcript = (conversationId: string): Promise<ChatHistory> =>
  readHistory(env.gateway, `clawdesk:${conversationId}`);

const userTurns = (history: ChatHistory, text: string) =>
  history.messages.filter((m) => m.role === 'user' && messageText(m) === text);

const summary = (t: TaskView | undefined) =>
  t && {
    prompt: t.prompt,
    state: t.state,
    attempts: t.attempts,
    failures: t.failures,
    error: t.error,
    output: t.output.slice(0, 300),
  };

describe('ClawDesk against the real OpenClaw', () => {
  it('kill -9 mid-stream, then a restart: OpenClaw answers the cut turn itself, ClawDesk takes that answer; a message sent meanwhile waits and goes after', async () => {
    const { gateway } = env;
    await withClawDesk({}, async ({ core }) => {
      const cut = 'think long, then get cut [[delay:20000]]';
      const first = await sendOk(core, cut);
      const conversation = first.conversation.id;
      // The turn is in OpenClaw's transcript once its model call has started.
      await gateway.provider.waitForCall((c) => c.text.includes('then get cut'), 3 * MINUTES);
      await new Promise((r) => setTimeout(r, 2_000));
      const killedAt = Date.now();
      await gateway.kill('SIGKILL');
      await until('ClawDesk to see the gateway gone', async () => {
        return (await status(core)).gateway.state === 'down';
      });
      await sendOk(core, 'sent during the outage', conversation);
      const other = await sendOk(core, 'another conversation during the outage');
      const whileDown = await status(core);
      await new Promise((r) => setTimeout(r, 3_000));
      await gateway.start();
      const backAt = Date.now();
      const tasks = await allFinished(core, [conversation, other.conversation.id], 6 * MINUTES);
      const history = await transcript(conversation);
      const [cutTask, duringTask] = tasks.filter((t) => t.conversationId === conversation);
      const otherTask = tasks.find((t) => t.conversationId === other.conversation.id);
      observe('clawdesk.kill-mid-stream', {
        gatewayWhileDown: whileDown.gateway,
        downForSeconds: Math.round((backAt - killedAt) / 1000),
        tasks: tasks.map(summary),
        transcript: brief(history),
      });
      expect(whileDown.gateway).toMatchObject({ state: 'down', origin: gateway.url });
      // Nothing failed, no attempt was spent on the outage.
      for (const task of tasks) {
        expect(task, task.prompt).toMatchObject({ state: 'succeeded', failures: 0 });
      }
      // The cut turn is in OpenClaw's session once: ClawDesk did not send it again…
      expect(userTurns(history, cut)).toHaveLength(1);
      // …and its result is OpenClaw's own answer, after OpenClaw's recovery prompt.
      const answers = history.messages.filter((m) => m.role === 'assistant');
      expect(answers.map(messageText)).toContain(cutTask?.output);
      const recovery = history.messages.find((m) => messageText(m).startsWith('[System]'));
      expect(recovery, 'OpenClaw re-ran the cut turn').toBeDefined();
      // The message sent during the outage went after the cut one, once.
      expect(userTurns(history, 'sent during the outage')).toHaveLength(1);
      expect(duringTask?.startedAt ?? 0).toBeGreaterThanOrEqual(cutTask?.finishedAt ?? Infinity);
      expect(otherTask?.output.length).toBeGreaterThan(0);
    });
  });

  it('four messages into one conversation at once go to OpenClaw one after the other, in order', async () => {
    await withClawDesk({}, async ({ core }) => {
      const texts = ['first of four', 'second of four', 'third of four', 'fourth of four'];
      const first = await sendOk(core, texts[0]!);
      const conversation = first.conversation.id;
      for (const text of texts.slice(1)) await sendOk(core, text, conversation);
      const tasks = await allFinished(core, [conversation], 6 * MINUTES);
      const history = await transcript(conversation);
      observe('clawdesk.four-at-once', { tasks: tasks.map(summary), transcript: brief(history) });
      expect(tasks.map((t) => [t.prompt, t.state, t.failures])).toEqual(
        texts.map((text) => [text, 'succeeded', 0]),
      );
      // One turn at a time: each started after the one before it had finished.
      for (let i = 1; i < tasks.length; i++) {
        expect(tasks[i]!.startedAt!).toBeGreaterThanOrEqual(tasks[i - 1]!.finishedAt!);
      }
      // OpenClaw's transcript: user, assistant, four times, each answer the task's own.
      expect(history.messages.map((m) => m.role)).toEqual(
        texts.flatMap(() => ['user', 'assistant']),
      );
      texts.forEach((text, i) => {
        expect(messageText(history.messages[2 * i]!)).toBe(text);
        expect(messageText(history.messages[2 * i + 1]!)).toBe(tasks[i]!.output);
      });
    });
  });

  it('a provider 429 that OpenClaw already retried pauses the whole budget, spends no attempt, and the message goes through later', async () => {
    // The provider refuses the first 12 calls for this message: OpenClaw retries about ten times
    // over two minutes, then reports the limit in the stream; ClawDesk's next try gets through.
    const text = 'rate limited for a while [[fail:429:12]]';
    await withClawDesk({ providerPauseMs: 5_000 }, async ({ core, events }) => {
      const { conversation } = await sendOk(core, text);
      const [task] = await allFinished(core, [conversation.id], 10 * MINUTES);
      const pauses = events.flatMap((e) =>
        e.type === 'upstream' && e.status.limiter.pauseCause === 'provider'
          ? [e.status.limiter.pausedUntil]
          : [],
      );
      const providerCalls = env.gateway.provider.calls.filter((c) =>
        c.text.includes('rate limited for a while'),
      );
      observe('clawdesk.provider-429', {
        task: summary(task),
        providerCalls: providerCalls.length,
        providerPauses: pauses.length,
      });
      expect(task).toMatchObject({ state: 'succeeded', failures: 0 });
      expect(task?.attempts).toBeGreaterThanOrEqual(2);
      expect(pauses.length, 'the budget paused for the provider').toBeGreaterThan(0);
      expect(providerCalls.length).toBeGreaterThanOrEqual(13);
    });
  });

  it('a tool call with local tools on runs the tool; with them off the model still answers', async () => {
    const ask = (path: string) =>
      `read the notes [[tool:tool_call]] [[args:{"id":"read_file","args":{"path":"${path}"}}]]`;
    await withClawDesk({}, async ({ core, dir }) => {
      const workspace = join(dir, 'workspace');
      mkdirSync(workspace, { recursive: true });
      writeFileSync(join(workspace, 'notes.txt'), 'the notes say 42');
      const on = await core.dispatch('settings.update', {
        tools: { enabled: true, workspace, policies: { read_file: 'allow' } },
      });
      if (!on.ok) throw new Error(on.error.message);
      const { conversation, task: sent } = await sendOk(core, ask('notes.txt'));
      const [task] = await allFinished(core, [conversation.id], 6 * MINUTES);
      const detail = await core.dispatch('tasks.get', { taskId: sent.id });
      const calls = detail.ok ? ((detail.result as TaskView).toolCalls ?? []) : [];
      observe('clawdesk.tools-on', { task: summary(task), calls });
      expect(task).toMatchObject({ state: 'succeeded' });
      expect(calls).toEqual([
        expect.objectContaining({ name: 'read_file', decision: 'allowed', ok: true }),
      ]);
      expect(task?.output).toContain('the notes say 42');
    });
    await withClawDesk({}, async ({ core }) => {
      const { conversation, task: sent } = await sendOk(core, ask('notes.txt'));
      const [task] = await allFinished(core, [conversation.id], 6 * MINUTES);
      const detail = await core.dispatch('tasks.get', { taskId: sent.id });
      const calls = detail.ok ? ((detail.result as TaskView).toolCalls ?? []) : [];
      observe('clawdesk.tools-off', { task: summary(task), calls });
      // Offered no client tools, OpenClaw answers the model's call itself ("Unknown tool
      // id"), and the model replies with text: never an empty "Done".
      expect(task).toMatchObject({ state: 'succeeded' });
      expect(task?.output.trim().length).toBeGreaterThan(0);
    });
  });

  it('Test connection: a working gateway with its agents, and an agent it does not serve', async () => {
    const { gateway } = env;
    const ok = await checkGateway({ url: gateway.url, token: gateway.token, agentId: 'main' });
    const unknown = await checkGateway({
      url: gateway.url,
      token: gateway.token,
      agentId: 'nosuch',
    });
    observe('clawdesk.gateway-check-ok', { ok, unknown });
    expect(ok).toMatchObject({ ok: true, problem: null, agents: ['main'] });
    expect(unknown).toMatchObject({ ok: false, problem: 'unknown_agent', agents: ['main'] });
  });
});
