import { fork } from 'node:child_process';
import type { MainToWorker } from '../../shared/worker-protocol.ts';
import type { WorkerHandle } from '../core/worker-port.ts';

/**
 * The headless host's worker: a `child_process.fork` of the worker entry, the counterpart of
 * Electron's utilityProcess. Workers inherit stderr so their diagnostics reach our log.
 */
export function spawnChildWorker(entry: string): WorkerHandle {
  const child = fork(entry, [], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: workerEnv(process.env),
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  return {
    get pid() {
      return child.pid;
    },
    send(message: MainToWorker) {
      if (!exited && child.connected) child.send(message);
    },
    onMessage(listener) {
      child.on('message', listener);
    },
    onExit(listener) {
      if (exited) listener(child.exitCode, child.signalCode);
      else child.once('exit', (code, signal) => listener(code, signal));
    },
    kill() {
      child.kill('SIGKILL');
    },
  };
}

/** Workers get the gateway token in each job, never from their environment. */
function workerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.CLAWDESK_GATEWAY_TOKEN;
  delete copy.CLAWDESK_UI_TOKEN;
  return copy;
}
