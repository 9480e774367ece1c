import type { WorkerToMain } from '../shared/worker-protocol.ts';

/** How a worker talks to main, whichever way it was started. */
export interface Transport {
  readonly kind: 'utility-process' | 'child-process';
  send(message: WorkerToMain): void;
  onMessage(listener: (data: unknown) => void): void;
  /** Main has gone: the child_process IPC channel closed. */
  onDisconnect(listener: () => void): void;
  /** Resolves once every message handed to send() has left this process. */
  drain(): Promise<void>;
}

/**
 * Electron's `process.parentPort` (a utilityProcess). Typed here by hand: @types/node does not
 * know it, and src/worker must not import electron.
 */
interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

function utilityProcessTransport(port: ParentPort): Transport {
  return {
    kind: 'utility-process',
    send: (message) => port.postMessage(message),
    onMessage: (listener) => void port.on('message', (event) => listener(event.data)),
    // Electron ends a utility process together with its parent; there is no event to wait for.
    onDisconnect: () => undefined,
    // postMessage hands the message over synchronously; one turn lets the port write it.
    drain: () => new Promise((resolve) => setImmediate(resolve)),
  };
}

function childProcessTransport(proc: NodeJS.Process): Transport {
  let inFlight = 0;
  let drained: (() => void)[] = [];
  const settle = (): void => {
    inFlight--;
    if (inFlight > 0) return;
    for (const resolve of drained) resolve();
    drained = [];
  };
  return {
    kind: 'child-process',
    send(message) {
      // After main went away there is nobody to tell; sending would throw.
      if (!proc.connected || !proc.send) return;
      inFlight++;
      proc.send(message, undefined, undefined, settle);
    },
    onMessage: (listener) => void proc.on('message', (data) => listener(data)),
    onDisconnect: (listener) => void proc.on('disconnect', listener),
    drain: () =>
      inFlight === 0 ? Promise.resolve() : new Promise((resolve) => drained.push(resolve)),
  };
}

export function createTransport(proc: NodeJS.Process = process): Transport {
  const port = (proc as NodeJS.Process & { parentPort?: ParentPort }).parentPort;
  if (port) return utilityProcessTransport(port);
  if (proc.send) return childProcessTransport(proc);
  throw new Error('worker started without a parent channel (use utilityProcess or fork)');
}
