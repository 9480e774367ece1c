/**
 * The real worker entry (src/worker/index.ts) in a child process, as the headless host starts
 * it, against the fake gateway.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkerToMainSchema } from '../../src/shared/worker-protocol.ts';
import type { Job, MainToWorker, WorkerToMain } from '../../src/shared/worker-protocol.ts';
import { createTransport } from '../../src/worker/transport.ts';
import { startFakeGateway } from '../helpers/fake-gateway.ts';
import type { FakeGateway } from '../helpers/fake-gateway.ts';

const ENTRY = fileURLToPath(new URL('../../src/worker/index.ts', import.meta.url));

interface WorkerUnderTest {
  child: ChildProcess;
  messages: WorkerToMain[];
  stderr: () => string;
  send(message: MainToWorker | Record<string, unknown>): void;
  waitFor(predicate: (m: WorkerToMain) => boolean): Promise<WorkerToMain>;
  exited: Promise<number | null>;
}

let gw: FakeGateway;
const started: ChildProcess[] = [];

beforeEach(async () => {
  gw = await startFakeGateway();
});
afterEach(async () => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await gw.close();
});

/** Plays main's limiter: grants every slot at once unless told to hold them. */
function startWorker(options: { holdGrants?: boolean } = {}): WorkerUnderTest {
  const child = fork(ENTRY, [], { execArgv: [], stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
  started.push(child);
  const messages: WorkerToMain[] = [];
  const waiters: (() => void)[] = [];
  let stderr = '';
  child.stderr?.on('data', (part: Buffer) => (stderr += part.toString()));
  child.on('message', (raw) => {
    // Main parses whatever a worker sends; so does this test, so the schema is part of it.
    const message = WorkerToMainSchema.parse(raw);
    messages.push(message);
    if (message.type === 'acquire' && !options.holdGrants) {
      const { taskId, attempt, callId } = message;
      child.send({ type: 'granted', taskId, attempt, callId });
    }
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    messages,
    stderr: () => stderr,
    send: (message) => child.send(message),
    exited,
    async waitFor(predicate) {
      for (;;) {
        const found = messages.find(predicate);
        if (found) return found;
        await Promise.race([
          new Promise<void>((resolve) => waiters.push(resolve)),
          exited.then(() => expect.fail(`worker exited early; stderr:\n${stderr}`)),
        ]);
      }
    },
  };
}

function jobFor(overrides: Partial<Job> = {}): Job {
  return {
    taskId: 'task-1',
    attempt: 1,
    text: 'please echo these few words back',
    sessionKey: 'clawdesk:conversation-7',
    gateway: { url: gw.url, token: gw.token, agentId: 'main' },
    timeouts: { headersMs: 5_000, stallMs: 5_000, totalMs: 20_000 },
    ...overrides,
  };
}

const deltasOf = (w: WorkerUnderTest, taskId: string, attempt = 1): string =>
  w.messages
    .filter((m) => m.type === 'delta' && m.taskId === taskId && m.attempt === attempt)
    .map((m) => (m.type === 'delta' ? m.text : ''))
    .join('');

const isEnd = (taskId: string) => (m: WorkerToMain) =>
  (m.type === 'succeeded' || m.type === 'failed') && m.taskId === taskId;

describe('worker process', () => {
  it('says ready, streams a job and reports success', async () => {
    const worker = startWorker();
    const ready = await worker.waitFor((m) => m.type === 'ready');
    expect(ready).toEqual({ type: 'ready', pid: worker.child.pid });

    worker.send({ type: 'run', job: jobFor() });
    const end = await worker.waitFor(isEnd('task-1'));
    expect(end).toMatchObject({
      type: 'succeeded',
      taskId: 'task-1',
      attempt: 1,
      finishReason: 'stop',
    });
    expect(deltasOf(worker, 'task-1')).toBe('Echo: please echo these few words back');
    // No delta may trail the outcome: main treats the outcome as the end of the text.
    expect(worker.messages.at(-1)).toBe(end);
    expect(gw.chatRequests()[0]?.headers['x-openclaw-session-key']).toBe('clawdesk:conversation-7');
  });

  it('reports a failed job with its code and runs the next one', async () => {
    const worker = startWorker();
    worker.send({ type: 'run', job: jobFor({ gateway: { ...jobFor().gateway, token: 'wrong' } }) });
    const failed = await worker.waitFor(isEnd('task-1'));
    expect(failed).toMatchObject({
      type: 'failed',
      error: { code: 'unauthorized' },
      retryable: false,
      status: 401,
    });

    worker.send({ type: 'run', job: jobFor({ taskId: 'task-2' }) });
    expect(await worker.waitFor(isEnd('task-2'))).toMatchObject({ type: 'succeeded' });
  });

  it('asks for a slot before calling upstream and gives it back with the outcome', async () => {
    const worker = startWorker({ holdGrants: true });
    worker.send({ type: 'run', job: jobFor() });
    const acquire = await worker.waitFor((m) => m.type === 'acquire');
    expect(acquire).toEqual({ type: 'acquire', taskId: 'task-1', attempt: 1, callId: 0 });
    expect(gw.chatRequests()).toHaveLength(0); // nothing goes out without the grant
    worker.send({ type: 'granted', taskId: 'task-1', attempt: 1, callId: 0 });
    await worker.waitFor(isEnd('task-1'));
    const release = worker.messages.find((m) => m.type === 'release');
    expect(release).toEqual({
      type: 'release',
      taskId: 'task-1',
      attempt: 1,
      callId: 0,
      outcome: { kind: 'ok' },
    });
    expect(gw.chatRequests()).toHaveLength(1);
  });

  it('reports a refused token to the limiter as an auth error', async () => {
    const worker = startWorker();
    worker.send({ type: 'run', job: jobFor({ gateway: { ...jobFor().gateway, token: 'wrong' } }) });
    await worker.waitFor(isEnd('task-1'));
    const release = worker.messages.find((m) => m.type === 'release');
    expect(release).toMatchObject({ outcome: { kind: 'auth_error' } });
  });

  it('drops a job aborted while it waits for a slot, without calling upstream', async () => {
    const worker = startWorker({ holdGrants: true });
    worker.send({ type: 'run', job: jobFor() });
    await worker.waitFor((m) => m.type === 'acquire');
    worker.send({ type: 'abort', taskId: 'task-1', attempt: 1 });
    expect(await worker.waitFor(isEnd('task-1'))).toMatchObject({
      type: 'failed',
      error: { code: 'aborted' },
    });
    expect(worker.messages.some((m) => m.type === 'release')).toBe(false);
    expect(gw.chatRequests()).toHaveLength(0);
  });

  it('aborts the job in flight, keeps its partial text, and stays usable', async () => {
    gw.configure({ chunkDelayMs: 40 });
    const worker = startWorker();
    const text = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    worker.send({ type: 'run', job: jobFor({ text }) });
    await worker.waitFor((m) => m.type === 'delta');

    // An abort for another attempt is not for this job.
    worker.send({ type: 'abort', taskId: 'task-1', attempt: 2 });
    worker.send({ type: 'abort', taskId: 'task-1', attempt: 1 });
    const end = await worker.waitFor(isEnd('task-1'));
    expect(end).toMatchObject({ type: 'failed', error: { code: 'aborted' }, retryable: false });
    const partial = deltasOf(worker, 'task-1');
    expect(`Echo: ${text}`.startsWith(partial)).toBe(true);
    expect(partial.length).toBeLessThan(`Echo: ${text}`.length);

    gw.configure({ chunkDelayMs: 1 });
    worker.send({ type: 'run', job: jobFor({ taskId: 'task-2', text: 'again' }) });
    expect(await worker.waitFor(isEnd('task-2'))).toMatchObject({ type: 'succeeded' });
    expect(deltasOf(worker, 'task-2')).toBe('Echo: again');
  });

  it('refuses a second job while one runs, without disturbing the first', async () => {
    gw.configure({ firstChunkDelayMs: 300 });
    const worker = startWorker();
    worker.send({ type: 'run', job: jobFor() });
    worker.send({ type: 'run', job: jobFor({ taskId: 'task-2' }) });
    expect(await worker.waitFor(isEnd('task-2'))).toMatchObject({
      type: 'failed',
      error: { code: 'internal' },
      retryable: true,
    });
    expect(await worker.waitFor(isEnd('task-1'))).toMatchObject({ type: 'succeeded' });
  });

  it('ignores a message that does not parse, without logging the token', async () => {
    const worker = startWorker();
    await worker.waitFor((m) => m.type === 'ready');
    const broken = { ...jobFor(), timeouts: { headersMs: -1 } };
    worker.send({ type: 'run', job: broken });
    worker.send({ type: 'run', job: jobFor() });
    expect(await worker.waitFor(isEnd('task-1'))).toMatchObject({ type: 'succeeded' });
    expect(worker.stderr()).toContain('ignored a message');
    expect(worker.stderr()).not.toContain(gw.token);
  });

  it('on shutdown, aborts the job in flight, reports it and exits', async () => {
    gw.configure({ firstChunkDelayMs: 10_000 });
    const worker = startWorker();
    worker.send({ type: 'run', job: jobFor() });
    await worker.waitFor((m) => m.type === 'ready');
    await waitUntil(() => gw.stats.inFlight === 1);
    worker.send({ type: 'shutdown' });
    expect(await worker.exited).toBe(0);
    expect(worker.messages.find(isEnd('task-1'))).toMatchObject({ error: { code: 'aborted' } });
  });

  it('exits when main goes away', async () => {
    const worker = startWorker();
    await worker.waitFor((m) => m.type === 'ready');
    worker.child.disconnect();
    expect(await worker.exited).toBe(0);
  });
});

describe('worker transport', () => {
  it('uses Electron parentPort when there is one, unwrapping message events', () => {
    const posted: unknown[] = [];
    let listener: ((event: { data: unknown }) => void) | undefined;
    const parentPort = {
      on: (_event: string, l: (event: { data: unknown }) => void) => (listener = l),
      postMessage: (message: unknown) => posted.push(message),
    };
    const fakeProcess = { parentPort, send: () => true } as unknown as NodeJS.Process;
    const transport = createTransport(fakeProcess);
    const received: unknown[] = [];
    transport.onMessage((data) => received.push(data));
    listener?.({ data: { type: 'shutdown' } });
    transport.send({ type: 'ready', pid: 1 });
    expect(transport.kind).toBe('utility-process');
    expect(received).toEqual([{ type: 'shutdown' }]);
    expect(posted).toEqual([{ type: 'ready', pid: 1 }]);
  });

  it('refuses to start without any parent channel', () => {
    expect(() => createTransport({} as NodeJS.Process)).toThrow(/without a parent channel/);
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}
