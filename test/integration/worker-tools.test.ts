/**
 * The real worker process (src/worker/index.ts) as an agent with local tools, against the fake
 * gateway answering with tool calls. The test plays main: it grants every slot and answers
 * approval requests as each test says.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkerToMainSchema } from '../../src/shared/worker-protocol.ts';
import type { Job, JobTools, WorkerToMain } from '../../src/shared/worker-protocol.ts';
import { skipWithoutBwrap } from '../helpers/bwrap.ts';
import { startFakeGateway } from '../helpers/fake-gateway.ts';
import type { FakeGateway } from '../helpers/fake-gateway.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const ENTRY = fileURLToPath(new URL('../../src/worker/index.ts', import.meta.url));

type Approver = (m: Extract<WorkerToMain, { type: 'approval_request' }>) => boolean | 'hold';

interface WorkerUnderTest {
  child: ChildProcess;
  messages: WorkerToMain[];
  send(message: unknown): void;
  waitFor(predicate: (m: WorkerToMain) => boolean): Promise<WorkerToMain>;
}

let gw: FakeGateway;
let workspace: { path: string; cleanup: () => void };
const started: ChildProcess[] = [];

beforeEach(async () => {
  gw = await startFakeGateway();
  workspace = tempDir('clawdesk-tools-');
  writeFileSync(`${workspace.path}/notes.txt`, 'the secret is 42');
});
afterEach(async () => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await gw.close();
  workspace.cleanup();
});

/** Plays main: grants every slot at once and answers approvals with `approve`. */
function startWorker(approve: Approver = () => true): WorkerUnderTest {
  const child = fork(ENTRY, [], { execArgv: [], stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
  started.push(child);
  const messages: WorkerToMain[] = [];
  const waiters: (() => void)[] = [];
  let stderr = '';
  child.stderr?.on('data', (part: Buffer) => (stderr += part.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  child.on('message', (raw) => {
    const message = WorkerToMainSchema.parse(raw);
    messages.push(message);
    if (message.type === 'acquire') {
      const { taskId, attempt, callId } = message;
      child.send({ type: 'granted', taskId, attempt, callId });
    }
    if (message.type === 'approval_request') {
      const answer = approve(message);
      if (answer !== 'hold') {
        const { taskId, attempt, toolCallId } = message;
        child.send({ type: 'approval', taskId, attempt, toolCallId, approved: answer });
      }
    }
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    child,
    messages,
    send: (message) => child.send(message as object),
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

function jobFor(text: string, tools: Partial<JobTools> = {}): Job {
  return {
    taskId: 'task-1',
    attempt: 1,
    text,
    sessionKey: 'clawdesk:conversation-9',
    gateway: { url: gw.url, token: gw.token, agentId: 'main' },
    timeouts: { headersMs: 5_000, stallMs: 5_000, totalMs: 20_000 },
    tools: { workspace: workspace.path, policies: {}, maxRounds: 4, ...tools },
  };
}

const isEnd = (m: WorkerToMain): m is Extract<WorkerToMain, { type: 'succeeded' | 'failed' }> =>
  m.type === 'succeeded' || m.type === 'failed';
const deltas = (w: WorkerUnderTest): string =>
  w.messages.map((m) => (m.type === 'delta' ? m.text : '')).join('');
const ofType = <T extends WorkerToMain['type']>(w: WorkerUnderTest, type: T) =>
  w.messages.filter((m): m is Extract<WorkerToMain, { type: T }> => m.type === type);

interface Sent {
  messages: { role: string; tool_call_id?: string; content?: string }[];
  tools?: { function: { name: string } }[];
  user?: string;
}
const bodies = (): Sent[] => gw.chatRequests().map((r) => r.body as Sent);

async function runJob(worker: WorkerUnderTest, job: Job): Promise<WorkerToMain> {
  worker.send({ type: 'run', job });
  return worker.waitFor(isEnd);
}

describe('worker tools: the agent loop', () => {
  it('runs an allowed tool, sends only its result back, and streams the final answer', async () => {
    const worker = startWorker();
    const end = await runJob(
      worker,
      jobFor('look [[tool:read_file]] [[args:{"path":"notes.txt"}]]'),
    );
    expect(end).toMatchObject({ type: 'succeeded', finishReason: 'stop' });

    const [tool] = ofType(worker, 'tool');
    expect(tool).toMatchObject({
      name: 'read_file',
      args: '{"path":"notes.txt"}',
      decision: 'allowed',
      ok: true,
      result: 'the secret is 42',
    });
    const [first, followUp] = bodies();
    expect(first?.messages).toEqual([
      { role: 'user', content: expect.stringContaining('[[tool:') },
    ]);
    expect(first?.tools?.map((t) => t.function.name)).toContain('read_file');
    // OpenClaw keeps the history: the follow-up carries only the tool's result.
    expect(followUp?.messages).toEqual([
      { role: 'tool', tool_call_id: tool?.toolCallId, content: 'the secret is 42' },
    ]);
    expect(followUp?.tools?.map((t) => t.function.name)).toContain('read_file');
    expect(followUp?.user).toBe('clawdesk:conversation-9');
    const headers = gw.chatRequests().map((r) => r.headers['x-openclaw-session-key']);
    expect(headers).toEqual(['clawdesk:conversation-9', 'clawdesk:conversation-9']);
    expect(deltas(worker)).toBe('Tool said: the secret is 42');
    expect(worker.messages.at(-1)).toBe(end);
  });

  it('takes one slot per upstream call and gives each back', async () => {
    const worker = startWorker();
    await runJob(worker, jobFor('[[tool:list_directory]] [[args:{"path":"."}]]'));
    const slots = worker.messages
      .filter((m) => m.type === 'acquire' || m.type === 'release')
      .map((m) =>
        m.type === 'release' ? `release ${m.callId} ${m.outcome.kind}` : `acquire ${m.callId}`,
      );
    expect(slots).toEqual(['acquire 0', 'release 0 ok', 'acquire 1', 'release 1 ok']);
    // The tool ran between the two calls, outside any slot.
    const order = worker.messages
      .map((m) => m.type)
      .filter((t) => t !== 'delta' && t !== 'heartbeat');
    expect(order.indexOf('tool')).toBeGreaterThan(order.indexOf('release'));
    expect(order.indexOf('tool')).toBeLessThan(order.lastIndexOf('acquire'));
  });

  it('refuses a tool denied by policy, without offering it, and the run goes on', async () => {
    const worker = startWorker();
    const job = jobFor('[[tool:read_file]] [[args:{"path":"notes.txt"}]]', {
      policies: { read_file: 'deny' },
    });
    expect(await runJob(worker, job)).toMatchObject({ type: 'succeeded' });
    expect(ofType(worker, 'tool')).toEqual([
      expect.objectContaining({
        decision: 'denied',
        ok: false,
        result: 'tool read_file denied by policy',
      }),
    ]);
    expect(bodies()[0]?.tools?.map((t) => t.function.name)).not.toContain('read_file');
    expect(ofType(worker, 'approval_request')).toHaveLength(0);
    expect(deltas(worker)).toBe('Tool said: tool read_file denied by policy');
  });

  it('asks before a write and runs it once approved', async () => {
    const worker = startWorker(() => true);
    const job = jobFor('[[tool:write_file]] [[args:{"path":"out.txt","content":"hi"}]]');
    expect(await runJob(worker, job)).toMatchObject({ type: 'succeeded' });
    const [request] = ofType(worker, 'approval_request');
    const [tool] = ofType(worker, 'tool');
    expect(request).toMatchObject({
      name: 'write_file',
      args: '{"path":"out.txt","content":"hi"}',
    });
    expect(tool).toMatchObject({ toolCallId: request?.toolCallId, decision: 'approved', ok: true });
    expect(worker.messages.indexOf(request!)).toBeLessThan(worker.messages.indexOf(tool!));
  });

  it('sends a denial back to the agent as the result', async () => {
    const worker = startWorker(() => false);
    const job = jobFor('[[tool:write_file]] [[args:{"path":"out.txt","content":"hi"}]]');
    expect(await runJob(worker, job)).toMatchObject({ type: 'succeeded' });
    expect(ofType(worker, 'tool')[0]).toMatchObject({
      decision: 'denied',
      ok: false,
      result: 'tool write_file denied by the user',
    });
    expect(bodies()[1]?.messages[0]?.content).toBe('tool write_file denied by the user');
  });

  it('refuses a path outside the workspace and still finishes the run', async () => {
    const worker = startWorker();
    const job = jobFor('[[tool:read_file]] [[args:{"path":"../../etc/passwd"}]]');
    expect(await runJob(worker, job)).toMatchObject({ type: 'succeeded' });
    const [tool] = ofType(worker, 'tool');
    expect(tool).toMatchObject({ decision: 'allowed', ok: false });
    expect(tool?.result).toMatch(/outside/i);
    expect(tool?.result).not.toContain('root:');
    expect(bodies()[1]?.messages[0]?.content).toBe(tool?.result);
  });

  it('fails a run that asks for more tool rounds than allowed', async () => {
    const worker = startWorker();
    const job = jobFor('[[tool:list_directory]] [[tool-rounds:9]]', { maxRounds: 2 });
    const end = await runJob(worker, job);
    expect(end).toMatchObject({
      type: 'failed',
      error: { message: 'the agent asked for more than 2 tool rounds' },
      retryable: false,
    });
    expect(ofType(worker, 'tool')).toHaveLength(2);
    expect(gw.chatRequests()).toHaveLength(3);
    expect(ofType(worker, 'release').map((m) => m.outcome.kind)).toEqual(['ok', 'ok', 'ok']);
  });

  it('ends as aborted when aborted while waiting for approval', async () => {
    const worker = startWorker(() => 'hold');
    worker.send({ type: 'run', job: jobFor('[[tool:create_directory]] [[args:{"path":"d"}]]') });
    await worker.waitFor((m) => m.type === 'approval_request');
    worker.send({ type: 'abort', taskId: 'task-1', attempt: 1 });
    expect(await worker.waitFor(isEnd)).toMatchObject({
      type: 'failed',
      error: { code: 'aborted' },
      retryable: false,
    });
    expect(ofType(worker, 'tool')).toHaveLength(0);
    expect(gw.chatRequests()).toHaveLength(1);
    // The worker is free again: a plain job runs as before.
    worker.send({ type: 'run', job: { ...jobFor('plain'), taskId: 'task-2', tools: undefined } });
    expect(await worker.waitFor((m) => isEnd(m) && m.taskId === 'task-2')).toMatchObject({
      type: 'succeeded',
    });
  });
});

describe.skipIf(skipWithoutBwrap('the worker-exit sandbox test'))(
  'worker tools: the OS sandbox',
  () => {
    it('a worker killed mid-call takes the call and its setsid child with it', async () => {
      const code = [
        'import subprocess, time',
        "subprocess.Popen(['setsid', 'sh', '-c', 'sleep 2; touch late.txt'])",
        "open('started.txt', 'w').close()",
        'time.sleep(60)',
      ].join('\n');
      const worker = startWorker();
      worker.send({
        type: 'run',
        job: jobFor(`run [[tool:exec_python]] [[args:${JSON.stringify({ code })}]]`, {
          policies: { exec_python: 'allow' },
          sandbox: { kind: 'bubblewrap', hidden: [], network: [] },
        }),
      });
      const started = `${workspace.path}/started.txt`;
      await vi.waitFor(() => expect(existsSync(started)).toBe(true), { timeout: 15_000 });
      worker.child.kill('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 3500));
      expect(existsSync(`${workspace.path}/late.txt`)).toBe(false);
    }, 30_000);
  },
);
