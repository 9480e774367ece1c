import { join } from 'node:path';
import { createCore, type ClawDeskCore } from '../../src/main/core/core.ts';
import { defaultSettings, type CoreSettings } from '../../src/main/core/settings.ts';
import type { WorkerHandle } from '../../src/main/core/worker-port.ts';
import { spawnChildWorker } from '../../src/main/headless/child-process-worker.ts';
import type { TaskEvent } from '../../src/shared/ipc-contract.ts';
import type { TaskView } from '../../src/shared/task.ts';
import type { FakeGateway } from './fake-gateway.ts';

export const WORKER_ENTRY = join(import.meta.dirname, '../../src/worker/index.ts');
const FINISHED = ['succeeded', 'failed', 'cancelled', 'timed_out'];

/**
 * A real core with real worker processes against a gateway (the fake one, or the real OpenClaw
 * of test/openclaw): all of ClawDesk but the UI.
 */
export function startWorkerCore(
  dbPath: string,
  gateway: Pick<FakeGateway, 'url' | 'token'>,
  overrides: Partial<CoreSettings> = {},
): { core: ClawDeskCore; spawned: WorkerHandle[]; events: TaskEvent[] } {
  const spawned: WorkerHandle[] = [];
  const events: TaskEvent[] = [];
  const core = createCore({
    dbPath,
    settings: defaultSettings({
      gateway: { url: gateway.url, token: gateway.token, agentId: 'main' },
      ...overrides,
    }),
    spawnWorker: () => {
      const worker = spawnChildWorker(WORKER_ENTRY);
      spawned.push(worker);
      return worker;
    },
    log: () => {},
  });
  core.onEvent((e) => events.push(e));
  return { core, spawned, events };
}

export async function sendOk(core: ClawDeskCore, text: string, conversationId?: string) {
  const outcome = await core.dispatch('chat.send', { text, conversationId });
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.result as { conversation: { id: string }; task: TaskView };
}

/** Polls until every task of the conversations has finished; returns them all. */
export async function allFinished(
  core: ClawDeskCore,
  conversationIds: readonly string[],
  timeoutMs = 60_000,
): Promise<TaskView[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const tasks: TaskView[] = [];
    for (const conversationId of conversationIds) {
      const outcome = await core.dispatch('chat.history', { conversationId });
      if (outcome.ok) tasks.push(...(outcome.result as TaskView[]));
    }
    if (tasks.every((t) => FINISHED.includes(t.state))) return tasks;
    if (Date.now() > deadline) {
      const open = tasks
        .filter((t) => !FINISHED.includes(t.state))
        .map((t) => `${t.prompt}: ${t.state}`);
      throw new Error(`tasks still unfinished: ${open.join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
