/**
 * The worker's channel to main. A ChildProcess has the same IPC surface as a forked child's
 * `process` (send with a callback, connected, 'message', 'disconnect'), so the child-process
 * transport is driven here over a real IPC channel to a small echo process.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkerToMain } from '../../src/shared/worker-protocol.ts';
import { createTransport } from '../../src/worker/transport.ts';

const ECHO = `
process.on('message', (m) => {
  if (m.type === 'ready') process.send(m);
  if (m.type === 'heartbeat') process.disconnect();
});
`;

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill();
  child = undefined;
});

function echoChild(): NodeJS.Process {
  child = spawn(process.execPath, ['-e', ECHO], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return child as unknown as NodeJS.Process;
}

const ready = (pid: number): WorkerToMain => ({ type: 'ready', pid });

describe('child-process transport', () => {
  it('sends and receives over the IPC channel, and reports its end', async () => {
    const transport = createTransport(echoChild());
    expect(transport.kind).toBe('child-process');
    const received: unknown[] = [];
    const echoed = new Promise<void>((resolve) =>
      transport.onMessage((data) => {
        received.push(data);
        resolve();
      }),
    );
    const gone = new Promise<void>((resolve) => transport.onDisconnect(resolve));
    transport.send(ready(42));
    await echoed;
    expect(received).toEqual([{ type: 'ready', pid: 42 }]);
    transport.send({ type: 'heartbeat', rssBytes: 1 });
    await gone;
    // Main has gone: there is nobody to tell, and saying so must not throw.
    expect(() => transport.send(ready(43))).not.toThrow();
    await transport.drain();
  });

  it('drain() waits for every message handed to send() to leave, and only for those', async () => {
    const sends: (() => void)[] = [];
    const proc = Object.assign(new EventEmitter(), {
      connected: true,
      send: (_m: unknown, _h: unknown, _o: unknown, done: () => void) => sends.push(done),
    }) as unknown as NodeJS.Process;
    const transport = createTransport(proc);
    await transport.drain();
    transport.send(ready(1));
    transport.send(ready(2));
    let drained = false;
    const draining = transport.drain().then(() => (drained = true));
    sends[0]?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);
    sends[1]?.();
    await draining;
    expect(drained).toBe(true);
  });
});

describe('utility-process transport', () => {
  it('is chosen when Electron gives a parentPort, and unwraps message events', async () => {
    const port = new EventEmitter();
    const posted: unknown[] = [];
    const proc = {
      parentPort: Object.assign(port, { postMessage: (m: unknown) => posted.push(m) }),
      // A utility process never has a child_process channel, but prefer the port regardless.
      send: () => {
        throw new Error('must not use process.send');
      },
    } as unknown as NodeJS.Process;
    const transport = createTransport(proc);
    expect(transport.kind).toBe('utility-process');
    const received: unknown[] = [];
    transport.onMessage((data) => received.push(data));
    port.emit('message', { data: { type: 'shutdown' } });
    transport.send(ready(7));
    await transport.drain();
    expect(received).toEqual([{ type: 'shutdown' }]);
    expect(posted).toEqual([{ type: 'ready', pid: 7 }]);
  });
});

it('refuses to start without any channel to main', () => {
  expect(() => createTransport(new EventEmitter() as unknown as NodeJS.Process)).toThrow(
    /worker started without a parent channel \(use utilityProcess or fork\)/,
  );
});
