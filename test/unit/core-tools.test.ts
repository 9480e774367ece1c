import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/main/core/settings.ts';
import { ScriptedCore, tick, until } from '../helpers/scripted-core.ts';

/** Main's side of agent tool use (issue 6), with a scripted worker. */
describe('tool calls in main', () => {
  let c: ScriptedCore;
  afterEach(() => c.close());

  async function running(overrides: ConstructorParameters<typeof ScriptedCore>[0] = {}) {
    c = new ScriptedCore(overrides);
    const sent = await c.send('use a tool');
    const worker = await c.readyWorker();
    const job = await until(() => worker.lastRun(), 'a run');
    return { ...sent, worker, job };
  }

  it('offers no tools until the user turns them on', async () => {
    const { job } = await running();
    expect(job.tools).toBeUndefined();
  });

  it('offers the tools with the workspace and policies when on', async () => {
    const tools = {
      ...defaultSettings().tools,
      enabled: true,
      policies: { exec_command: 'deny' as const },
      maxRounds: 5,
    };
    const { job } = await running({ tools });
    expect(job.tools).toMatchObject({ policies: { exec_command: 'deny' }, maxRounds: 5 });
    expect(job.tools?.workspace).toMatch(/workspace$/);
  });

  it('records each tool call with its task and tells the UI', async () => {
    const { task, worker } = await running();
    worker.emit({
      type: 'tool',
      taskId: task.id,
      attempt: 1,
      toolCallId: 'call_1',
      name: 'read_file',
      args: '{"path":"a.txt"}',
      decision: 'allowed',
      ok: true,
      result: 'hello',
    });
    await tick();
    const event = c.events.find((e) => e.type === 'tool');
    expect(event).toMatchObject({
      taskId: task.id,
      call: { toolCallId: 'call_1', name: 'read_file', ok: true },
    });
    const view = await c.call('tasks.get', { taskId: task.id });
    expect(view.toolCalls).toEqual([
      expect.objectContaining({ toolCallId: 'call_1', result: 'hello', decision: 'allowed' }),
    ]);
  });

  it('holds an "ask" call until the user answers, and passes the answer to the worker', async () => {
    const { task, worker } = await running();
    worker.emit({
      type: 'approval_request',
      taskId: task.id,
      attempt: 1,
      toolCallId: 'call_9',
      name: 'write_file',
      args: '{"path":"x"}',
    });
    await tick();
    const waiting = await c.call('tasks.get', { taskId: task.id });
    expect(waiting).toMatchObject({
      phase: 'waiting_approval',
      pendingApproval: { toolCallId: 'call_9', name: 'write_file' },
    });
    const wrong = await c.core.dispatch('tasks.approve', {
      taskId: task.id,
      toolCallId: 'nope',
      approved: true,
    });
    expect(wrong).toMatchObject({
      ok: false,
      error: { code: 'refused', message: expect.stringContaining('nope') },
    });
    await c.call('tasks.approve', { taskId: task.id, toolCallId: 'call_9', approved: false });
    expect(worker.received.at(-1)).toEqual({
      type: 'approval',
      taskId: task.id,
      attempt: 1,
      toolCallId: 'call_9',
      approved: false,
    });
    const again = await c.core.dispatch('tasks.approve', {
      taskId: task.id,
      toolCallId: 'call_9',
      approved: true,
    });
    expect(again).toMatchObject({ ok: false });
  });

  it('starts another worker while one waits for an answer, then goes back to one', async () => {
    // One worker (ScriptedCore's default): without parking, B would wait for A's question.
    const { task: a, worker: first } = await running();
    first.emit({
      type: 'approval_request',
      taskId: a.id,
      attempt: 1,
      toolCallId: 'call_1',
      name: 'exec_command',
      args: '{}',
    });
    const { task: b } = await c.send('meanwhile, a quick question');
    const second = await c.readyWorker(1);
    expect(await until(() => second.lastRun(), 'a run for B')).toMatchObject({ taskId: b.id });

    second.emit({ type: 'succeeded', taskId: b.id, attempt: 1, usage: null, finishReason: 'stop' });
    await tick();
    // A still waits: the spare stays for whatever comes next.
    expect(second.received.some((m) => m.type === 'shutdown')).toBe(false);

    await c.call('tasks.approve', { taskId: a.id, toolCallId: 'call_1', approved: true });
    first.emit({ type: 'succeeded', taskId: a.id, attempt: 1, usage: null, finishReason: 'stop' });
    await tick();
    const states = await Promise.all([a, b].map((t) => c.call('tasks.get', { taskId: t.id })));
    expect(states.map((t) => t.state)).toEqual(['succeeded', 'succeeded']);
    // Nobody waits any more: back to one worker, the one just released goes.
    expect(first.received.at(-1)).toEqual({ type: 'shutdown' });
    expect(c.workers.filter((w) => !w.exited)).toEqual([second]);
  });

  // Issue 12: OpenClaw's turn is still open while a tool call waits for the user's answer; a
  // later message of the same conversation sent to OpenClaw meanwhile would land in its
  // transcript before the tool result.
  it("keeps its conversation's turn while a call waits for approval; other conversations go on", async () => {
    const { task: a, conversation, worker: first } = await running();
    const runs = () =>
      c.workers.flatMap((w) => w.received.flatMap((m) => (m.type === 'run' ? [m.job] : [])));
    first.emit({
      type: 'approval_request',
      taskId: a.id,
      attempt: 1,
      toolCallId: 'call_1',
      name: 'write_file',
      args: '{"path":"x"}',
    });
    const { task: same } = await c.send('a follow-up, same chat', conversation.id);
    const { task: other } = await c.send('another chat');
    const second = await c.readyWorker(1);
    expect(await until(() => second.lastRun(), 'a run')).toMatchObject({ taskId: other.id });
    second.emit({
      type: 'succeeded',
      taskId: other.id,
      attempt: 1,
      usage: null,
      finishReason: 'stop',
    });
    await tick();
    const [slot] = await c.call('queue.positions', { taskIds: [same.id] });
    expect(slot).toMatchObject({ afterTaskId: a.id, turnAhead: 1 });
    expect((await c.call('tasks.get', { taskId: same.id })).state).toBe('queued');
    expect(runs().map((r) => r.taskId)).toEqual([a.id, other.id]);

    await c.call('tasks.approve', { taskId: a.id, toolCallId: 'call_1', approved: true });
    first.emit({ type: 'succeeded', taskId: a.id, attempt: 1, usage: null, finishReason: 'stop' });
    const next = await until(() => runs().find((r) => r.taskId === same.id), 'the follow-up');
    expect(next.text).toBe('a follow-up, same chat');
  });
});

describe('tools in the settings', () => {
  it('are turned on from Settings, with the data folder workspace by default', async () => {
    const c = new ScriptedCore();
    try {
      const saved = await c.call('settings.update', {
        tools: { enabled: true, workspace: '', policies: { write_file: 'deny' } },
      });
      expect(saved.tools).toMatchObject({ enabled: true, policies: { write_file: 'deny' } });
      expect(saved.tools.workspace).toBe(`${c.dir.path}/workspace`);
      expect(existsSync(saved.tools.workspace)).toBe(true);
      await c.send('use tools');
      const worker = await c.readyWorker();
      const job = await until(() => worker.lastRun(), 'a run');
      expect(job.tools).toMatchObject({
        workspace: `${c.dir.path}/workspace`,
        policies: { write_file: 'deny' },
      });
      const relative = await c.core.dispatch('settings.update', {
        tools: { enabled: true, workspace: 'rel/dir', policies: {} },
      });
      expect(relative).toMatchObject({
        ok: false,
        error: { message: expect.stringContaining('absolute') },
      });
    } finally {
      await c.close();
    }
  });
});

describe('the OS sandbox for exec tools (issue 13)', () => {
  const none = { kind: 'none' as const, detail: 'bubblewrap (bwrap) is not installed' };
  const bwrap = { kind: 'bubblewrap' as const, detail: 'bubblewrap 0.8.0' };
  const toolsOn = (policies: Record<string, 'allow' | 'ask' | 'deny'>) => ({
    ...defaultSettings().tools,
    enabled: true,
    policies,
  });

  it('tells Settings which sandbox there is, and the worker what to hide and confine', async () => {
    const c = new ScriptedCore(
      { tools: { ...toolsOn({}), network: { exec_command: false, exec_python: true } } },
      bwrap,
    );
    try {
      expect((await c.call('settings.get', {})).toolSandbox).toEqual(bwrap);
      await c.send('use tools');
      const worker = await c.readyWorker();
      const job = await until(() => worker.lastRun(), 'a run');
      expect(job.tools?.sandbox).toEqual({
        kind: 'bubblewrap',
        hidden: [c.dir.path],
        network: ['exec_python'],
      });
    } finally {
      await c.close();
    }
  });

  it('without one, refuses "allow" for an exec tool by name and keeps the rest', async () => {
    const c = new ScriptedCore({}, none);
    try {
      const refused = await c.core.dispatch('settings.update', {
        tools: { enabled: true, workspace: '', policies: { exec_python: 'allow' } },
      });
      expect(refused).toMatchObject({
        ok: false,
        error: {
          message: expect.stringMatching(
            /^settings not saved: tools\.policies\.exec_python: cannot be "allow" without an OS sandbox \(bubblewrap \(bwrap\) is not installed\)/,
          ),
        },
      });
      const saved = await c.call('settings.update', {
        tools: {
          enabled: true,
          workspace: '',
          policies: { exec_python: 'deny', read_file: 'allow' },
        },
      });
      expect(saved.tools.policies).toEqual({ exec_python: 'deny', read_file: 'allow' });
      expect(saved.toolSandbox).toEqual(none);
    } finally {
      await c.close();
    }
  });

  it('without one, sends exec tools as ask-only even when settings say allow', async () => {
    const c = new ScriptedCore(
      { tools: toolsOn({ exec_command: 'allow', write_file: 'allow' }) },
      none,
    );
    try {
      expect((await c.call('settings.get', {})).tools.policies).toEqual({
        exec_command: 'ask',
        write_file: 'allow',
      });
      await c.send('use tools');
      const worker = await c.readyWorker();
      const job = await until(() => worker.lastRun(), 'a run');
      expect(job.tools?.policies).toEqual({ exec_command: 'ask', write_file: 'allow' });
      expect(job.tools?.sandbox?.kind).toBe('none');
    } finally {
      await c.close();
    }
  });
});
