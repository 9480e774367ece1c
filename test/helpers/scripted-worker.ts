import type { SpawnWorker, WorkerHandle } from '../../src/main/core/worker-port.ts';
import type { MainToWorker, WorkerToMain } from '../../src/shared/worker-protocol.ts';

/**
 * An in-memory stand-in for a worker process, driven by the test: it records what main sends
 * and lets the test answer (or crash) as a real worker would. Real worker processes are
 * exercised in the integration tests.
 */
export class ScriptedWorker implements WorkerHandle {
  readonly pid = 4242;
  readonly received: MainToWorker[] = [];
  private messageListeners: ((m: unknown) => void)[] = [];
  private exitListeners: ((code: number | null, signal: string | null) => void)[] = [];
  exited = false;

  send(message: MainToWorker): void {
    this.received.push(message);
  }
  onMessage(listener: (m: unknown) => void): void {
    this.messageListeners.push(listener);
  }
  onExit(listener: (code: number | null, signal: string | null) => void): void {
    this.exitListeners.push(listener);
  }
  kill(): void {
    this.exit(null, 'SIGKILL');
  }
  /** Send a message to main as the worker would (anything, to test validation too). */
  emit(message: WorkerToMain | Record<string, unknown>): void {
    for (const l of this.messageListeners) l(message);
  }
  /** What a real worker answers to an abort: its run failed as `aborted`. */
  reportAborted(taskId: string, attempt = 1): void {
    const error = { code: 'aborted' as const, message: 'aborted' };
    this.emit({ type: 'failed', taskId, attempt, error, retryable: false, status: null });
  }
  exit(code: number | null, signal: string | null): void {
    if (this.exited) return;
    this.exited = true;
    for (const l of this.exitListeners) l(code, signal);
  }
  lastRun(): Extract<MainToWorker, { type: 'run' }>['job'] | undefined {
    const runs = this.received.filter((m) => m.type === 'run');
    const last = runs[runs.length - 1];
    return last?.type === 'run' ? last.job : undefined;
  }
}

export function scriptedSpawner(): { spawn: SpawnWorker; workers: ScriptedWorker[] } {
  const workers: ScriptedWorker[] = [];
  const spawn: SpawnWorker = () => {
    const w = new ScriptedWorker();
    workers.push(w);
    // Answer `shutdown` like a real worker: exit.
    const send = w.send.bind(w);
    w.send = (m) => {
      send(m);
      if (m.type === 'shutdown') queueMicrotask(() => w.exit(0, null));
    };
    return w;
  };
  return { spawn, workers };
}
