import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../src/shared/ipc-contract.ts';
import { apiContract } from '../../src/shared/ipc-contract.ts';
import type { TaskView } from '../../src/shared/task.ts';
import { startFakeGateway } from '../helpers/fake-gateway.ts';
import type { FakeGateway, Fault, RecordedRequest } from '../helpers/fake-gateway.ts';
import { startServerProcess, type ServerProcess } from '../helpers/headless-process.ts';
import { openRawBridge, resultOf, type RawBridge } from '../helpers/raw-bridge.ts';
import { describeLeaks, scanForSecrets } from '../helpers/secret-scan.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * Issue 7: "the gateway token appears in no log file, no SQLite table and no message sent to
 * the renderer", checked on a scripted flow through a real headless server: a refused token,
 * a new one from Settings, a gateway that echoes the token back in its errors, a pasted
 * token that cannot be sent, refused settings, and everything the UI reads (the task
 * monitor, a task's detail and a conversation's history, which is what an export is made of).
 */

const hex = (): string => randomBytes(12).toString('hex');
/** What the server starts with (from the environment): the gateway refuses it. */
const STALE = `stale-${hex()}`;
/** Pasted with a line break, as from a terminal: it cannot go into a header. */
const PASTED = `pasted-${hex()}\r\nx-injected: 1`;
/** Offered with a bad field beside it, and too long: refused, so never stored either. */
const REFUSED = `refused-${hex()}`;
const TOO_LONG = `long-${hex()}${'q'.repeat(5000)}`;

/** The gateway's words echo the Authorization header, as a careless proxy's might. */
function echoingFaults(request: RecordedRequest): Fault | undefined {
  const said = JSON.stringify(request.body);
  const auth = String(request.headers.authorization);
  const body = { error: { message: `credential ${auth} not accepted` } };
  if (said.includes('[[echo:401]]')) return { kind: 'status', status: 401, body };
  if (said.includes('[[echo:500]]')) return { kind: 'status', status: 500, body };
  if (said.includes('[[echo:stream]]')) return { kind: 'stream-error', message: `bad ${auth}` };
  if (said.includes('[[echo:400]]')) return { kind: 'status', status: 400, body: `${auth}` };
  // A plain-text page long enough to be cut for the message, the cut falling inside the token.
  const cut = `${'x'.repeat(180)} ${auth}`;
  if (said.includes('[[echo:cut]]')) return { kind: 'status', status: 400, body: cut };
  return undefined;
}

let dir: ReturnType<typeof tempDir>;
let gateway: FakeGateway;
let server: ServerProcess;
let bridge: RawBridge;
let dataDir: string;
let logFile: string;
const tasks: TaskView[] = [];

const taskIs =
  (id: string, match: (task: TaskView) => boolean) =>
  (event: TaskEvent): boolean =>
    event.type === 'task' && event.task.id === id && match(event.task);

async function send(text: string): Promise<TaskView> {
  const { task } = resultOf(await bridge.call('chat.send', { text })) as { task: TaskView };
  tasks.push(task);
  return task;
}

async function settle(task: TaskView, state: string, code?: string): Promise<TaskView> {
  const what = `${task.prompt}: ${state}${code ? ` (${code})` : ''}`;
  const event = await bridge.waitForEvent(
    taskIs(task.id, (t) => t.state === state && (code === undefined || t.error?.code === code)),
    what,
  );
  return (event as Extract<TaskEvent, { type: 'task' }>).task;
}

beforeAll(async () => {
  dir = tempDir('clawdesk-leaks-');
  dataDir = join(dir.path, 'data');
  logFile = join(dir.path, 'server.log');
  gateway = await startFakeGateway({ fault: echoingFaults });
  server = await startServerProcess({
    dataDir,
    gatewayUrl: gateway.url,
    gatewayToken: STALE,
    workers: 1,
    logFile,
  });
  bridge = await openRawBridge(server.url);
});

afterAll(async () => {
  bridge?.close();
  await server?.stop();
  await gateway?.close();
  dir?.cleanup();
});

describe('the gateway token never leaves its file', () => {
  it('runs the flow: refused token, new token, echoing gateway, bad paste, refused settings', async () => {
    const first = await send('hello with the stale token');
    await settle(first, 'queued', 'unauthorized');

    const fixed = resultOf(await bridge.call('settings.update', { token: gateway.token }));
    // A token set in Settings replaces the environment's and is kept in the 0600 file.
    expect(fixed).toMatchObject({ tokenSet: true, tokenStorage: 'file' });
    await settle(first, 'succeeded');

    // One attempt each, so a retryable echo fails at once instead of backing off.
    resultOf(await bridge.call('settings.update', { maxAttempts: 1 }));
    const echoed = [
      await settle(await send('[[echo:500]] please'), 'failed', 'upstream_error'),
      await settle(await send('[[echo:stream]] please'), 'failed'),
      await settle(await send('[[echo:400]] please'), 'failed', 'bad_response'),
      await settle(await send('[[echo:cut]] please'), 'failed', 'bad_response'),
    ];
    for (const task of echoed) expect(task.error?.message).toContain('[redacted]');

    const refusedAuth = await send('[[echo:401]] please');
    const waiting = await settle(refusedAuth, 'queued', 'unauthorized');
    expect(waiting.error?.message).toContain('Bearer [redacted]');

    for (const patch of [{ token: REFUSED, workerCount: 0 }, { token: TOO_LONG }]) {
      const reply = await bridge.call('settings.update', patch);
      expect(reply).toMatchObject({ kind: 'error', error: { code: 'invalid_params' } });
    }

    // A token that cannot go into a header: the waiting task is tried with it and fails.
    resultOf(await bridge.call('settings.update', { token: PASTED }));
    await settle(refusedAuth, 'failed', 'internal');

    // Back to the good token, and everything the UI reads, exports included.
    resultOf(await bridge.call('settings.update', { token: gateway.token }));
    await settle(await send('last message'), 'succeeded');
    const list = resultOf(await bridge.call('tasks.list', {})) as { tasks: { id: string }[] };
    expect(list.tasks).toHaveLength(tasks.length);
    for (const { id } of list.tasks) resultOf(await bridge.call('tasks.get', { taskId: id }));
    const conversations = resultOf(await bridge.call('conversations.list', {})) as { id: string }[];
    for (const { id } of conversations) {
      resultOf(await bridge.call('chat.history', { conversationId: id }));
    }
    resultOf(await bridge.call('queue.positions', { taskIds: tasks.map((t) => t.id) }));
    // Every status view there is, a method added later included (all take no params).
    for (const [method, { params }] of Object.entries(apiContract)) {
      if (params.safeParse({}).success) resultOf(await bridge.call(method, {}));
    }

    // Every token really travelled: the scan below is not looking for strangers.
    const sent = new Set(gateway.requests.map((r) => r.headers.authorization));
    expect(sent).toContain(`Bearer ${STALE}`);
    expect(sent).toContain(`Bearer ${gateway.token}`);
  });

  it('and after a clean stop: not in the log, the data folder, SQLite or any frame received', async () => {
    await server.stop();
    await server.logWritten;
    // The one place it may be: the 0600 token file, holding the token last set.
    const tokenFile = join(dataDir, 'gateway-token');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(gateway.token);
    expect(readFileSync(logFile, 'utf8')).toContain('ClawDesk listening on');

    const leaks = scanForSecrets([gateway.token, STALE, PASTED, REFUSED, TOO_LONG], {
      files: [logFile],
      dirs: [{ path: dataDir, allowed: ['gateway-token'] }],
      texts: bridge.received.map((text, i) => ({ where: `frame ${i + 1} to the page`, text })),
    });
    expect(describeLeaks(leaks)).toBe('');
    expect(bridge.received.length).toBeGreaterThan(tasks.length);
  });
});

describe('the scan itself', () => {
  it('finds a planted token in a log, a file, a SQLite value, a frame, escaped or encoded', () => {
    const planted = tempDir('clawdesk-plant-');
    try {
      const token = `plant-${hex()}`;
      const data = join(planted.path, 'data');
      mkdirSync(join(data, 'workspace'), { recursive: true });
      writeFileSync(join(data, 'gateway-token'), `${token}\n`);
      writeFileSync(join(data, 'workspace', 'notes.txt'), `see ${encodeURIComponent(token)}`);
      const db = new Database(join(data, 'clawdesk.sqlite'));
      db.exec('CREATE TABLE t (v TEXT)');
      // Longer than a page: the value is split over overflow pages.
      db.prepare('INSERT INTO t VALUES (?)').run(`${'a'.repeat(4090)}${token}${'b'.repeat(9000)}`);
      db.close();
      const log = join(planted.path, 'server.log');
      writeFileSync(log, `[clawdesk] oops ${token}\n`);
      const leaks = scanForSecrets([token], {
        files: [log],
        dirs: [{ path: data, allowed: ['gateway-token'] }],
        texts: [{ where: 'frame 1', text: JSON.stringify({ message: token }) }],
      });
      const where = leaks.map((l) => l.where);
      expect(where).toContain(log);
      expect(where).toContain(join(data, 'workspace', 'notes.txt'));
      expect(where).toContain(`${join(data, 'clawdesk.sqlite')}: t.v (row 1)`);
      expect(where).toContain('frame 1');
      expect(where.some((w) => w.includes('gateway-token'))).toBe(false);
      expect(describeLeaks(leaks)).not.toContain(token);
    } finally {
      planted.cleanup();
    }
  });
});
