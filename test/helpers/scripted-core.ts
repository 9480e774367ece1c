import { createCore, type ClawDeskCore } from '../../src/main/core/core.ts';
import { defaultSettings, type CoreSettings } from '../../src/main/core/settings.ts';
import type { ToolSandboxStatus } from '../../src/main/core/tool-sandbox.ts';
import type { ApiMethod, ApiParams, ApiResult, TaskEvent } from '../../src/shared/ipc-contract.ts';
import { scriptedSpawner, type ScriptedWorker } from './scripted-worker.ts';
import { tempDir } from './temp-dir.ts';

export const tick = () => new Promise((r) => setImmediate(r));

/** Polls until `probe` gives a value; for outcomes that arrive over process boundaries. */
export async function until<T>(probe: () => T | undefined, what: string, tries = 1000): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * A real core (SQLite file, scheduler, pool) whose worker processes are scripted stand-ins,
 * so a test decides what each worker says and when.
 */
export class ScriptedCore {
  readonly dir = tempDir();
  core!: ClawDeskCore;
  workers: ScriptedWorker[] = [];
  events: TaskEvent[] = [];
  readonly settings: CoreSettings;

  /** The OS sandbox the core is told it has; probed on this machine when not given. */
  private readonly toolSandbox: ToolSandboxStatus | undefined;

  constructor(overrides: Partial<CoreSettings> = {}, toolSandbox?: ToolSandboxStatus) {
    this.toolSandbox = toolSandbox;
    this.settings = defaultSettings({
      gateway: { url: 'http://127.0.0.1:1', token: 'secret-token', agentId: 'main' },
      workerCount: 1,
      maxAttempts: 2,
      ...overrides,
    });
    this.start();
  }

  start(now?: () => number): void {
    const spawner = scriptedSpawner();
    this.workers = spawner.workers;
    this.events = [];
    this.core = createCore({
      dbPath: `${this.dir.path}/db.sqlite`,
      settings: this.settings,
      spawnWorker: spawner.spawn,
      log: () => {},
      ...(now ? { now } : {}),
      ...(this.toolSandbox ? { toolSandbox: this.toolSandbox } : {}),
    });
    this.core.onEvent((e) => this.events.push(e));
  }

  async call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
    const outcome = await this.core.dispatch(method, params);
    if (!outcome.ok) throw new Error(outcome.error.message);
    return outcome.result as ApiResult<M>;
  }

  send(text: string, conversationId?: string, lane?: 'interactive' | 'short' | 'long') {
    return this.call('chat.send', { text, conversationId, lane });
  }

  async task(conversationId: string, index = 0) {
    return (await this.call('chat.history', { conversationId }))[index];
  }

  /** The n-th worker, once started and told it is ready. */
  async readyWorker(n = 0): Promise<ScriptedWorker> {
    const worker = await until(() => this.workers[n], `worker #${n} to start`);
    worker.emit({ type: 'ready', pid: 100 + n });
    return worker;
  }

  async close(): Promise<void> {
    await this.core.close();
    this.dir.cleanup();
  }
}
