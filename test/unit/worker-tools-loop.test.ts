/**
 * Tool calls in the worker: reassembling them from the stream (and from a whole answer), the
 * request that carries tools and tool results, and the agent loop in-process with a scripted
 * streamChat (the real process is in test/integration/worker-tools.test.ts).
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job, WorkerToMain } from '../../src/shared/worker-protocol.ts';
import { CompletionStream } from '../../src/worker/sse-stream.ts';
import { streamChat } from '../../src/worker/v1-client.ts';
import type { CompletionOutcome, StreamChatOptions } from '../../src/worker/v1-client.ts';
import { createWorker } from '../../src/worker/worker.ts';

let server: Server | undefined;
afterEach(async () => {
  const current = server;
  server = undefined;
  if (!current) return;
  current.closeAllConnections();
  await new Promise((resolve) => current.close(resolve));
});

const event = (delta: object, finish: string | null = null): string =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

function feedAll(text: string, cuts: number[]): { stream: CompletionStream; deltas: string[] } {
  const deltas: string[] = [];
  const stream = new CompletionStream((t) => deltas.push(t));
  let from = 0;
  for (const at of [...cuts, text.length]) {
    stream.feed(text.slice(from, at));
    from = at;
  }
  return { stream, deltas };
}

describe('tool calls in a streamed answer', () => {
  it('joins fragmented arguments by index, across chunks split anywhere', () => {
    const text = [
      event({ role: 'assistant', content: 'Let me look. ' }),
      event({
        tool_calls: [
          {
            index: 0,
            id: 'call_a',
            type: 'function',
            function: { name: 'read_file', arguments: '' },
          },
        ],
      }),
      event({ tool_calls: [{ index: 0, function: { arguments: '{"pa' } }] }),
      event({
        tool_calls: [
          { index: 1, id: 'call_b', type: 'function', function: { name: 'list_directory' } },
        ],
      }),
      event({ tool_calls: [{ index: 0, function: { arguments: 'th":"a.txt"}' } }] }),
      event({ tool_calls: [{ index: 1, function: { arguments: '{"path":"."}' } }] }),
      event({}, 'tool_calls'),
      'data: [DONE]\n\n',
    ].join('');
    const { stream, deltas } = feedAll(text, [7, 100, 101, 250, 400]);
    expect(stream.failure).toBeNull();
    expect(stream.done).toBe(true);
    expect(deltas.join('')).toBe('Let me look. ');
    expect(stream.outcome()).toEqual({
      usage: null,
      finishReason: 'tool_calls',
      toolCalls: [
        { id: 'call_a', name: 'read_file', arguments: '{"path":"a.txt"}' },
        { id: 'call_b', name: 'list_directory', arguments: '{"path":"."}' },
      ],
    });
  });

  it('orders calls by index, not by arrival, and names a call sent without an id', () => {
    const text = [
      event({ tool_calls: [{ index: 1, function: { name: 'b', arguments: '{}' } }] }),
      event({ tool_calls: [{ index: 0, id: 'x', function: { name: 'a', arguments: '{}' } }] }),
      'data: [DONE]\n\n',
    ].join('');
    expect(feedAll(text, []).stream.outcome().toolCalls).toEqual([
      { id: 'x', name: 'a', arguments: '{}' },
      { id: 'call_1', name: 'b', arguments: '{}' },
    ]);
  });

  it('leaves toolCalls out of a plain answer', () => {
    const text = `${event({ content: 'hi' })}${event({}, 'stop')}data: [DONE]\n\n`;
    expect(feedAll(text, []).stream.outcome()).toEqual({ usage: null, finishReason: 'stop' });
  });
});

async function serve(onRequest: (body: unknown) => { type: string; body: string }) {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (part: Buffer) => (text += part.toString()));
    req.on('end', () => {
      const answer = onRequest(JSON.parse(text));
      res.writeHead(200, { 'content-type': answer.type });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function jobAt(url: string, tools?: Job['tools']): Job {
  return {
    taskId: 't',
    attempt: 1,
    text: 'hi',
    sessionKey: 's',
    gateway: { url, token: 'tok-1234', agentId: 'main' },
    timeouts: { headersMs: 5_000, stallMs: 5_000, totalMs: 10_000 },
    ...(tools ? { tools } : {}),
  };
}

describe('tool calls on the wire', () => {
  it('reads message.tool_calls from a whole (non-streamed) answer', async () => {
    const whole = {
      choices: [
        {
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'c1', type: 'function', function: { name: 'read_file', arguments: '{}' } },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
    };
    const url = await serve(() => ({ type: 'application/json', body: JSON.stringify(whole) }));
    const deltas: string[] = [];
    const outcome = await streamChat(jobAt(url), { onDelta: (t) => deltas.push(t) });
    expect(deltas).toEqual([]);
    expect(outcome).toEqual({
      usage: null,
      finishReason: 'tool_calls',
      toolCalls: [{ id: 'c1', name: 'read_file', arguments: '{}' }],
    });
  });

  it('sends the given messages and tools instead of the user message', async () => {
    const seen: unknown[] = [];
    const url = await serve((body) => {
      seen.push(body);
      return { type: 'text/event-stream', body: `${event({ content: 'ok' })}data: [DONE]\n\n` };
    });
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'x',
          description: 'd',
          parameters: { type: 'object' as const, properties: {} },
        },
      },
    ];
    const messages = [{ role: 'tool' as const, tool_call_id: 'c1', content: 'r' }];
    await streamChat(jobAt(url), { onDelta: () => undefined, messages, tools });
    await streamChat(jobAt(url), { onDelta: () => undefined });
    expect(seen[0]).toMatchObject({ messages, tools, user: 's', stream: true });
    // A plain chat is exactly what it was: no tools key at all.
    expect(seen[1]).toEqual({
      model: 'openclaw/main',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
      user: 's',
    });
  });
});

type Answer =
  Partial<CompletionOutcome> | ((options: StreamChatOptions) => Partial<CompletionOutcome>);

/** A worker in-process whose streamChat plays `answers` in turn and grants every slot. */
function loopWorker(answers: Answer[], approve: (id: string) => boolean = () => true) {
  const sent: WorkerToMain[] = [];
  const calls: StreamChatOptions[] = [];
  let end: (m: WorkerToMain) => void = () => undefined;
  const ended = new Promise<WorkerToMain>((resolve) => (end = resolve));
  const worker = createWorker({
    log: () => undefined,
    onShutdown: () => undefined,
    deltaBatchMs: 1,
    streamChat: (_job, options) => {
      calls.push(options);
      const next = answers.shift() ?? {};
      const partial = typeof next === 'function' ? next(options) : next;
      return Promise.resolve({ usage: null, finishReason: 'stop', ...partial });
    },
    send: (m) => {
      sent.push(m);
      if (m.type === 'acquire')
        queueMicrotask(() => worker.receive({ type: 'granted', ...ref(m) }));
      if (m.type === 'approval_request') {
        const { taskId, attempt, toolCallId } = m;
        queueMicrotask(() =>
          worker.receive({
            type: 'approval',
            taskId,
            attempt,
            toolCallId,
            approved: approve(toolCallId),
          }),
        );
      }
      if (m.type === 'succeeded' || m.type === 'failed') end(m);
    },
  });
  return { worker, sent, calls, ended };
}

const ref = (m: { taskId: string; attempt: number; callId: number }) => ({
  taskId: m.taskId,
  attempt: m.attempt,
  callId: m.callId,
});
const call = (id: string, name: string, args = '{}') => ({ id, name, arguments: args });
const toolJob = (maxRounds = 3): Job =>
  jobAt('http://127.0.0.1:9', { workspace: '/nonexistent-workspace', policies: {}, maxRounds });

describe('the agent loop', () => {
  it('runs every call of a round in order and answers each by id', async () => {
    const { worker, sent, calls, ended } = loopWorker([
      { toolCalls: [call('c1', 'no_such_tool'), call('c2', 'exec_command', '{"program":"ls"}')] },
      { usage: { promptTokens: 2, totalTokens: 2 } },
    ]);
    worker.receive({ type: 'run', job: toolJob() });
    expect(await ended).toMatchObject({ type: 'succeeded', finishReason: 'stop' });
    const tools = sent.filter((m) => m.type === 'tool');
    expect(tools.map((m) => [m.toolCallId, m.decision])).toEqual([
      ['c1', 'denied'],
      ['c2', 'approved'],
    ]);
    expect(calls[1]?.messages?.map((m) => (m.role === 'tool' ? m.tool_call_id : ''))).toEqual([
      'c1',
      'c2',
    ]);
    expect(calls[1]?.messages?.[0]?.content).toMatch(/^unknown tool no_such_tool/);
  });

  it('allows exactly maxRounds rounds', async () => {
    const round = { toolCalls: [call('c', 'list_directory')] };
    const { worker, ended, calls } = loopWorker([round, round, {}]);
    worker.receive({ type: 'run', job: toolJob(2) });
    expect(await ended).toMatchObject({ type: 'succeeded' });
    expect(calls).toHaveLength(3);
  });

  it('adds up the usage of every round', async () => {
    const usage = { promptTokens: 3, completionTokens: 1, totalTokens: 4 };
    const { worker, ended } = loopWorker([
      { usage, toolCalls: [call('c', 'list_directory')] },
      { usage },
    ]);
    worker.receive({ type: 'run', job: toolJob() });
    expect(await ended).toMatchObject({
      usage: { promptTokens: 6, completionTokens: 2, totalTokens: 8 },
    });
  });

  it('cuts huge arguments in progress messages to 4 KB', async () => {
    const big = JSON.stringify({ path: 'x'.repeat(10_000) });
    const { worker, sent, ended } = loopWorker([{ toolCalls: [call('c', 'read_file', big)] }, {}]);
    worker.receive({ type: 'run', job: toolJob() });
    await ended;
    const tool = sent.find((m) => m.type === 'tool');
    expect(tool?.type === 'tool' && Buffer.byteLength(tool.args)).toBeLessThanOrEqual(4096);
  });

  it('asks before an "allow" exec call when there is no OS sandbox, whatever main sent', async () => {
    const job = (kind: 'none' | 'bubblewrap'): Job =>
      jobAt('http://127.0.0.1:9', {
        workspace: '/nonexistent-workspace',
        policies: { exec_command: 'allow', list_directory: 'allow' },
        maxRounds: 3,
        sandbox: { kind, hidden: [], network: [] },
      });
    const round = {
      toolCalls: [call('e', 'exec_command', '{"program":"ls"}'), call('l', 'list_directory')],
    };
    const unconfined = loopWorker([round, {}], () => false);
    unconfined.worker.receive({ type: 'run', job: job('none') });
    await unconfined.ended;
    const asked = unconfined.sent.filter((m) => m.type === 'approval_request');
    expect(asked.map((m) => m.toolCallId)).toEqual(['e']);
    const decisions = unconfined.sent.filter((m) => m.type === 'tool');
    expect(decisions.map((m) => [m.toolCallId, m.decision])).toEqual([
      ['e', 'denied'],
      ['l', 'allowed'],
    ]);
    // With a sandbox the user's "allow" stands.
    const confined = loopWorker([round, {}]);
    confined.worker.receive({ type: 'run', job: job('bubblewrap') });
    await confined.ended;
    expect(confined.sent.filter((m) => m.type === 'approval_request')).toEqual([]);
  });

  it('logs and drops an approval nobody waits for', () => {
    const logs: string[] = [];
    const worker = createWorker({
      log: (line) => logs.push(line),
      onShutdown: () => undefined,
      send: () => undefined,
      streamChat: () => Promise.reject(new Error('unused')),
    });
    worker.receive({ type: 'approval', taskId: 't', attempt: 1, toolCallId: 'c', approved: true });
    expect(logs.join('\n')).toMatch(/approval for t#1 ignored/);
  });
});
