import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClawDeskCore } from '../../src/main/core/core.ts';
import type { TaskView } from '../../src/shared/task.ts';
import type { UpstreamStatus } from '../../src/shared/upstream.ts';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-gateway.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { allFinished, sendOk, startWorkerCore } from '../helpers/worker-core.ts';

/**
 * Issue 12 in `npm test`: ClawDesk (core and real worker processes) against the fake gateway
 * behaving like OpenClaw 2026.9.6 (test/openclaw proves the fake faithful): one turn per
 * session — here a second turn racing the first is REFUSED, so any overlap fails the test —,
 * a crash that cuts a turn and a restart whose recovery run answers it, a graceful stop that
 * answers 503 while it drains, and the provider's 429 relayed in the stream.
 */
describe('ClawDesk against an OpenClaw-like gateway', () => {
  const dir = tempDir('clawdesk-openclaw-like-');
  let gateway: FakeGateway;
  let core: ClawDeskCore | undefined;
  afterEach(async () => {
    await core?.close();
    core = undefined;
    await gateway.close();
  });

  async function start(
    settings: Parameters<typeof startWorkerCore>[2] = {},
    failingChannels?: string[],
  ) {
    gateway = await startFakeGateway({
      chunkDelayMs: 5,
      failingChannels,
      openclaw: { turns: 'refuse', recoveryTiming: { pendingMs: 200, answerMs: 800 } },
    });
    const started = startWorkerCore(join(dir.path, `${Date.now()}.sqlite`), gateway, {
      healthProbe: { minMs: 100, maxMs: 1_000 },
      ...settings,
    });
    core = started.core;
    return started;
  }

  it("sends a conversation's messages one at a time, in order, never racing OpenClaw's turn", async () => {
    await start();
    const texts = ['one', 'two', 'three', 'four'];
    const first = await sendOk(core!, texts[0]!);
    const id = first.conversation.id;
    for (const text of texts.slice(1)) await sendOk(core!, text, id);
    const tasks = await allFinished(core!, [id], 30_000);
    expect(tasks.map((t) => [t.prompt, t.state, t.output, t.failures])).toEqual(
      texts.map((t) => [t, 'succeeded', `Echo: ${t}`, 0]),
    );
    const history = historyOf(gateway, `agent:main:clawdesk:${id}`);
    expect(history.messages.map((m) => m.role)).toEqual(texts.flatMap(() => ['user', 'assistant']));
  });

  it("takes OpenClaw's own answer to a turn its crash cut, instead of sending it twice", async () => {
    const { events } = await start();
    const { conversation } = await sendOk(core!, 'cut by a crash [[delay:1500]]');
    const key = `agent:main:clawdesk:${conversation.id}`;
    await until('the turn in the transcript', () => historyOf(gateway, key).messages.length > 0);
    await gateway.restart({ downMs: 1_500 });
    const [task] = await allFinished(core!, [conversation.id], 30_000);
    const history = historyOf(gateway, key);
    const users = history.messages.filter((m) => m.role === 'user');
    // The cut turn once, then OpenClaw's recovery prompt; the answer is the recovery run's.
    expect(users.map((m) => String(m.content))).toEqual([
      'cut by a crash [[delay:1500]]',
      expect.stringMatching(/^\[System\] Your previous turn was interrupted/),
    ]);
    const answer = history.messages.at(-1);
    expect(answer?.role).toBe('assistant');
    expect(task).toMatchObject({ state: 'succeeded', failures: 0 });
    expect(JSON.stringify(answer?.content)).toContain(task!.output);
    expect(phasesOf(events, task!.id)).toContain('recovering');
    expect(gateway.chatRequests()).toHaveLength(1);
  });

  // A Telegram channel that is down makes OpenClaw's /readyz 503 for good: not a reason to wait.
  it('waits out a graceful stop (503 while draining, then refused, then starting) and goes on after the start', async () => {
    await start({}, ['telegram']);
    const running = await sendOk(core!, 'running while it stops [[delay:800]]');
    await until('the turn to run', () => gateway.stats.inFlight > 0);
    const stopping = gateway.stopGracefully();
    const queued = await sendOk(core!, 'sent while it drains');
    await stopping;
    await until('ClawDesk to see it away', async () => (await status()).gateway.state === 'down');
    await gateway.start({ startingMs: 500 });
    const tasks = await allFinished(core!, [running.conversation.id, queued.conversation.id]);
    expect(tasks.map((t) => [t.prompt, t.state, t.failures])).toEqual([
      ['running while it stops [[delay:800]]', 'succeeded', 0],
      ['sent while it drains', 'succeeded', 0],
    ]);
  });

  it("pauses everyone for the provider's limit relayed in the stream, spending no attempt", async () => {
    const { events } = await start({ providerPauseMs: 500, maxAttempts: 1 });
    gateway.configure({
      fault: (request) =>
        JSON.stringify(request.body).includes('limited once') && !limitedOnce++
          ? { kind: 'provider', status: 429 }
          : undefined,
    });
    let limitedOnce = 0;
    const { conversation } = await sendOk(core!, 'limited once');
    const [task] = await allFinished(core!, [conversation.id], 30_000);
    expect(task).toMatchObject({ state: 'succeeded', failures: 0, attempts: 2 });
    const paused = events.some(
      (e) => e.type === 'upstream' && e.status.limiter.pauseCause === 'provider',
    );
    expect(paused).toBe(true);
  });

  async function status(): Promise<UpstreamStatus> {
    const outcome = await core!.dispatch('upstream.status', {});
    if (!outcome.ok) throw new Error(outcome.error.message);
    return outcome.result as UpstreamStatus;
  }
});

function phasesOf(events: { type: string; task?: TaskView }[], taskId: string): string[] {
  return events.flatMap((e) =>
    e.type === 'task' && e.task?.id === taskId && e.task.phase ? [e.task.phase] : [],
  );
}

interface Transcript {
  messages: { role: string; content: unknown }[];
}

/** The fake's `chat.history` answer, read the way the worker reads it (role and content). */
const historyOf = (gateway: FakeGateway, key: string): Transcript =>
  gateway.history(key) as Transcript;

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
