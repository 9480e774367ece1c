import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { ForkOptions } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';

class FakeChild extends EventEmitter {
  pid: number | undefined = undefined;
  stdout = new PassThrough();
  stderr = new PassThrough();
  postMessage = vi.fn();
  kill = vi.fn(() => true);
}
const forks = vi.hoisted(
  () =>
    [] as {
      path: string;
      options: ForkOptions & { env: Record<string, string> };
      child: FakeChild;
    }[],
);

vi.mock('electron', () => ({
  utilityProcess: {
    fork: (
      path: string,
      _args: unknown,
      options: ForkOptions & { env: Record<string, string> },
    ) => {
      const child = new FakeChild();
      forks.push({ path, options, child });
      return child;
    },
  },
}));

const { spawnUtilityWorker, WORKER_SERVICE_NAME } =
  await import('../../src/main/electron/utility-worker.ts');

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('utilityProcess worker adapter', () => {
  let lines: string[];
  beforeEach(() => {
    forks.length = 0;
    lines = [];
  });
  const spawn = () => {
    const handle = spawnUtilityWorker('/out/main/worker.js', (line) => lines.push(line));
    const child = forks.at(-1)!.child;
    return { handle, child };
  };

  it('forks the entry as a named service with piped output and no token in its env', () => {
    process.env.CLAWDESK_GATEWAY_TOKEN = 'secret';
    try {
      spawn();
    } finally {
      delete process.env.CLAWDESK_GATEWAY_TOKEN;
    }
    const { path, options } = forks[0]!;
    expect(path).toBe('/out/main/worker.js');
    expect(options.serviceName).toBe(WORKER_SERVICE_NAME);
    expect(options.stdio).toEqual(['ignore', 'pipe', 'pipe']);
    expect(options.env.CLAWDESK_GATEWAY_TOKEN).toBeUndefined();
    expect(options.env.PATH).toBe(process.env.PATH);
  });

  it('sends with postMessage and hands incoming messages on untouched', () => {
    const { handle, child } = spawn();
    const received: unknown[] = [];
    handle.onMessage((message) => received.push(message));
    handle.send({ type: 'shutdown' });
    expect(child.postMessage).toHaveBeenCalledWith({ type: 'shutdown' });
    child.emit('message', { type: 'ready', pid: 7 });
    child.emit('message', 'garbage');
    expect(received).toEqual([{ type: 'ready', pid: 7 }, 'garbage']);
  });

  it('reports the exit code once, also to listeners that come late, and stops sending', () => {
    const { handle, child } = spawn();
    const early = vi.fn();
    handle.onExit(early);
    child.emit('exit', 3);
    expect(early).toHaveBeenCalledExactlyOnceWith(3, null);
    const late = vi.fn();
    handle.onExit(late);
    expect(late).toHaveBeenCalledExactlyOnceWith(3, null);
    handle.send({ type: 'shutdown' });
    expect(child.postMessage).not.toHaveBeenCalled();
  });

  it('exposes the pid once spawned and kills the process', () => {
    const { handle, child } = spawn();
    expect(handle.pid).toBeUndefined();
    child.pid = 1234;
    child.emit('spawn');
    expect(handle.pid).toBe(1234);
    handle.kill();
    expect(child.kill).toHaveBeenCalled();
  });

  it("forwards the worker's output line by line, tagged with its pid", async () => {
    const { child } = spawn();
    child.pid = 99;
    child.emit('spawn');
    child.stderr.write('first line\nsecond ');
    child.stderr.write('half\n');
    child.stdout.write('from stdout\n');
    child.stderr.write('[worker 99] already tagged\n');
    await tick();
    expect(lines).toEqual([
      '[worker 99] first line',
      '[worker 99] second half',
      '[worker 99] from stdout',
      '[worker 99] already tagged',
    ]);
  });
});
