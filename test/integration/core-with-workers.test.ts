import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCore, type ClawDeskCore } from '../../src/main/core/core.ts';
import { defaultSettings } from '../../src/main/core/settings.ts';
import type { WorkerHandle } from '../../src/main/core/worker-port.ts';
import { spawnChildWorker } from '../../src/main/headless/child-process-worker.ts';
import type { TaskView } from '../../src/shared/task.ts';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-gateway.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const WORKER_ENTRY = join(import.meta.dirname, '../../src/worker/index.ts');

/** The core with real worker processes against the fake gateway: the whole path but the UI. */
describe('core with real worker processes', () => {
  let dir: ReturnType<typeof tempDir>;
  let gateway: FakeGateway;
  let core: ClawDeskCore;
  let spawned: WorkerHandle[];

  beforeEach(async () => {
    dir = tempDir();
    gateway = await startFakeGateway({ chunkDelayMs: 5 });
    spawned = [];
    core = createCore({
      dbPath: join(dir.path, 'db.sqlite'),
      settings: defaultSettings({
        gateway: { url: gateway.url, token: gateway.token, agentId: 'main' },
        workerCount: 2,
      }),
      spawnWorker: () => {
        const w = spawnChildWorker(WORKER_ENTRY);
        spawned.push(w);
        return w;
      },
      log: () => {},
    });
  });
  afterEach(async () => {
    await core.close();
    await gateway.close();
    dir.cleanup();
  });

  async function send(text: string, conversationId?: string) {
    const outcome = await core.dispatch('chat.send', { text, conversationId });
    if (!outcome.ok) throw new Error(outcome.error.message);
    return outcome.result as { conversation: { id: string }; task: TaskView };
  }

  async function settled(conversationId: string, count: number): Promise<TaskView[]> {
    for (let i = 0; i < 1000; i++) {
      const outcome = await core.dispatch('chat.history', { conversationId });
      const tasks = outcome.ok ? (outcome.result as TaskView[]) : [];
      const done = tasks.filter((t) => ['succeeded', 'failed', 'timed_out'].includes(t.state));
      if (done.length === count) return tasks;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('tasks did not settle');
  }

  it('streams three messages of one conversation to their replies, in one OpenClaw session', async () => {
    const first = await send('one');
    const id = first.conversation.id;
    await send('two', id);
    await send('three', id);
    const tasks = await settled(id, 3);
    expect(tasks.map((t) => [t.prompt, t.state, t.output])).toEqual([
      ['one', 'succeeded', 'Echo: one'],
      ['two', 'succeeded', 'Echo: two'],
      ['three', 'succeeded', 'Echo: three'],
    ]);
    const sessions = new Set(
      gateway.chatRequests().map((r) => r.headers['x-openclaw-session-key']),
    );
    expect([...sessions]).toEqual([`clawdesk:${id}`]);
  });

  it('finishes a task on another worker after its worker is killed mid-stream', async () => {
    gateway.configure({
      chunkDelayMs: 40,
      reply: (t) => `Reply to ${t}, streamed slowly in many parts`,
    });
    const { task, conversation } = await send('slow');
    for (let i = 0; i < 500 && gateway.stats.inFlight === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    const victim = spawned.find((w) => w.pid !== undefined);
    process.kill(victim?.pid as number, 'SIGKILL');
    const [done] = await settled(conversation.id, 1);
    expect(done).toMatchObject({ id: task.id, state: 'succeeded', attempts: 2 });
    expect(done?.output).toBe('Reply to slow, streamed slowly in many parts');
    expect(spawned.length).toBeGreaterThanOrEqual(2);
  });

  it('replaces a hung worker (stopped with SIGSTOP) and finishes its task on another', async () => {
    await core.close();
    core = createCore({
      dbPath: join(dir.path, 'db-hung.sqlite'),
      settings: defaultSettings({
        gateway: { url: gateway.url, token: gateway.token, agentId: 'main' },
        workerCount: 1,
        heartbeatTimeoutMs: 1500,
      }),
      spawnWorker: () => {
        const w = spawnChildWorker(WORKER_ENTRY);
        spawned.push(w);
        return w;
      },
      log: () => {},
    });
    spawned.length = 0;
    gateway.configure({
      chunkDelayMs: 40,
      reply: (t) => `Reply to ${t}, streamed slowly in many parts`,
    });
    const { task, conversation } = await send('hang');
    for (let i = 0; i < 500 && gateway.stats.inFlight === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    const victim = spawned[0]?.pid as number;
    process.kill(victim, 'SIGSTOP');
    const [done] = await settled(conversation.id, 1);
    expect(done).toMatchObject({ id: task.id, state: 'succeeded', attempts: 2 });
    expect(done?.output).toBe('Reply to hang, streamed slowly in many parts');
    expect(() => process.kill(victim, 0)).toThrow(); // the hung one is gone
  });

  it('says the gateway rejected the token, and does not name the token', async () => {
    await core.close();
    core = createCore({
      dbPath: join(dir.path, 'db2.sqlite'),
      settings: defaultSettings({
        gateway: { url: gateway.url, token: 'wrong-token', agentId: 'main' },
        maxAttempts: 1,
      }),
      spawnWorker: () => spawnChildWorker(WORKER_ENTRY),
      log: () => {},
    });
    const { conversation } = await send('hello');
    let failed: TaskView | undefined;
    for (let i = 0; i < 1000 && !failed?.error; i++) {
      const outcome = await core.dispatch('chat.history', { conversationId: conversation.id });
      failed = outcome.ok ? (outcome.result as TaskView[])[0] : undefined;
      await new Promise((r) => setTimeout(r, 10));
    }
    // A refused token is everyone's problem: the task waits for a fixed token, spending nothing.
    expect(failed).toMatchObject({ state: 'queued', error: { code: 'unauthorized' } });
    expect(failed?.error?.message).toMatch(/rejected the token/);
    expect(failed?.error?.message).not.toContain('wrong-token');
  });
});
