import { createInterface } from 'node:readline';
import { utilityProcess } from 'electron';
import type { MainToWorker } from '../../shared/worker-protocol.ts';
import type { WorkerHandle } from '../core/worker-port.ts';

export const WORKER_SERVICE_NAME = 'ClawDesk worker';

/**
 * A worker as an Electron utilityProcess: the counterpart of the headless host's
 * `child_process.fork`. Its stdout/stderr are piped and forwarded line by line to `log`, each
 * line tagged with the worker's pid, so diagnostics (crash traces included) reach our log and
 * say which worker wrote them.
 */
export function spawnUtilityWorker(
  entryPath: string,
  log: (line: string) => void = (line) => console.error(line),
): WorkerHandle {
  const child = utilityProcess.fork(entryPath, [], {
    serviceName: WORKER_SERVICE_NAME,
    // stdin must be 'ignore' for a utilityProcess.
    stdio: ['ignore', 'pipe', 'pipe'],
    env: workerEnv(process.env),
  });
  // The pid is unknown until 'spawn'; keep it for lines written while the worker exits.
  let pid: number | undefined;
  // The worker tags its own log lines; a crash trace or a Node warning is tagged here.
  const prefix = (line: string): string =>
    line.startsWith('[worker ') ? line : `[worker ${pid ?? child.pid ?? '?'}] ${line}`;
  forwardLines(child.stdout, (line) => log(prefix(line)));
  forwardLines(child.stderr, (line) => log(prefix(line)));
  child.once('spawn', () => {
    pid = child.pid;
  });
  child.on('error', (type, location) => log(prefix(`${type} at ${location}`)));

  let exitCode: number | undefined;
  child.once('exit', (code) => {
    exitCode = code;
  });

  return {
    get pid() {
      return child.pid;
    },
    send(message: MainToWorker) {
      // Once it has gone there is no one to tell; the core learns of it from onExit.
      if (exitCode === undefined) child.postMessage(message);
    },
    onMessage(listener) {
      child.on('message', (message: unknown) => listener(message));
    },
    onExit(listener) {
      // utilityProcess reports only an exit code, never the signal.
      if (exitCode !== undefined) listener(exitCode, null);
      else child.once('exit', (code) => listener(code, null));
    },
    kill() {
      child.kill();
    },
  };
}

function forwardLines(stream: NodeJS.ReadableStream | null, write: (line: string) => void): void {
  if (!stream) return;
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', write);
}

/** Workers get the gateway token in each job, never from their environment. */
export function workerEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && key !== 'CLAWDESK_GATEWAY_TOKEN' && key !== 'CLAWDESK_UI_TOKEN') {
      copy[key] = value;
    }
  }
  return copy;
}
