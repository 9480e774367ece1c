import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClawDeskCore } from '../../src/main/core/core.ts';
import type { UpstreamStatus } from '../../src/shared/upstream.ts';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-gateway.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { allFinished, sendOk, startWorkerCore } from '../helpers/worker-core.ts';

/**
 * Issue 12: a gateway that is away (nothing listening, as while OpenClaw restarts) is waited
 * out. Messages sent meanwhile stay queued spending no attempt, one health probe — never a
 * user's message — finds it back, and the queue goes on by itself, one turn per conversation.
 */
describe('an absent gateway', () => {
  const dir = tempDir('clawdesk-outage-');
  let gateway: FakeGateway | undefined;
  let core: ClawDeskCore | undefined;
  afterEach(async () => {
    await core?.close();
    await gateway?.close();
  });

  it('is waited out without spending attempts, then the queue goes on by itself', async () => {
    const port = await freePort();
    const token = 'outage-token';
    const fakeGateway = { url: `http://127.0.0.1:${port}`, token } as FakeGateway;
    const started = startWorkerCore(join(dir.path, 'db.sqlite'), fakeGateway, {
      maxAttempts: 1,
      healthProbe: { minMs: 100, maxMs: 400 },
    });
    core = started.core;
    const a1 = await sendOk(core, 'first of A');
    await sendOk(core, 'second of A', a1.conversation.id);
    const b1 = await sendOk(core, 'only of B');

    await until(async () => (await status(core!)).gateway.state === 'down');
    const down = await status(core);
    expect(down.gateway).toMatchObject({ origin: `http://127.0.0.1:${port}` });
    expect(down.gateway.reason).toMatch(/refused/);
    // A while later: everything still waits, nothing failed, no attempt spent (one is allowed).
    await new Promise((r) => setTimeout(r, 1_000));
    const waiting = await histories(core, [a1.conversation.id, b1.conversation.id]);
    expect(waiting.map((t) => [t.prompt, t.state, t.failures])).toEqual([
      ['first of A', 'queued', 0],
      ['second of A', 'queued', 0],
      ['only of B', 'queued', 0],
    ]);
    // The second of A never went: its conversation's first message had not finished.
    expect(waiting[1]?.attempts).toBe(0);

    gateway = await startFakeGateway({ port, token, chunkDelayMs: 2 });
    const tasks = await allFinished(core, [a1.conversation.id, b1.conversation.id], 20_000);
    expect(tasks.map((t) => [t.prompt, t.state, t.output])).toEqual([
      ['first of A', 'succeeded', 'Echo: first of A'],
      ['second of A', 'succeeded', 'Echo: second of A'],
      ['only of B', 'succeeded', 'Echo: only of B'],
    ]);
    // The probe found the gateway before any message went to it again.
    const chats = gateway.chatRequests();
    expect(gateway.healthChecks.at[0]).toBeLessThanOrEqual(chats[0]!.receivedAt);
    expect(chats).toHaveLength(3);
    // One turn per session: A's second message reached OpenClaw after its first had finished.
    const firstOfA = tasks.find((t) => t.id === a1.task.id)!;
    const secondOfA = chats.find((r) => JSON.stringify(r.body).includes('second of A'))!;
    expect(secondOfA.receivedAt).toBeGreaterThanOrEqual(firstOfA.finishedAt!);
    expect((await status(core)).gateway).toMatchObject({ state: 'up', since: null });
  });

  it('fails a task that waited longer than its lane allows, with the reason', async () => {
    const port = await freePort();
    const started = startWorkerCore(
      join(dir.path, 'cap.sqlite'),
      { url: `http://127.0.0.1:${port}`, token: 't' } as FakeGateway,
      {
        healthProbe: { minMs: 100, maxMs: 400 },
        waitCaps: {
          gatewayMs: { interactive: 800, short: 800, long: 60_000 },
          rateLimitMs: 60_000,
        },
      },
    );
    core = started.core;
    const chat = await sendOk(core, 'chat message');
    const long = await core.dispatch('chat.send', { text: 'background', lane: 'long' });
    if (!long.ok) throw new Error(long.error.message);
    const [failed] = await allFinished(core, [chat.conversation.id], 10_000);
    expect(failed).toMatchObject({ state: 'failed', failures: 0 });
    expect(failed?.error?.code).toBe('gateway_unreachable');
    expect(failed?.error?.message).toMatch(
      new RegExp(`the gateway at http://127.0.0.1:${port} did not answer for .*press Retry`),
    );
    // The background task's cap is longer: it still waits.
    const longId = (long.result as { conversation: { id: string } }).conversation.id;
    expect((await histories(core, [longId]))[0]?.state).toBe('queued');
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function status(core: ClawDeskCore): Promise<UpstreamStatus> {
  const outcome = await core.dispatch('upstream.status', {});
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.result as UpstreamStatus;
}

async function histories(core: ClawDeskCore, conversations: string[]) {
  const all = [];
  for (const conversationId of conversations) {
    const outcome = await core.dispatch('chat.history', { conversationId });
    if (outcome.ok)
      all.push(
        ...(outcome.result as {
          id: string;
          prompt: string;
          state: string;
          failures?: number;
          attempts: number;
        }[]),
      );
  }
  return all;
}

async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
