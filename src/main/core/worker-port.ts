import type { MainToWorker } from '../../shared/worker-protocol.ts';

/**
 * The one small interface between the core and a worker process. The Electron adapter wraps
 * `utilityProcess.fork`, the headless adapter `child_process.fork`; the core sees only this.
 * Incoming messages are `unknown`: the core parses them with the shared schema.
 */
export interface WorkerHandle {
  readonly pid: number | undefined;
  send(message: MainToWorker): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the process has gone, whatever the reason. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

export type SpawnWorker = () => WorkerHandle;
