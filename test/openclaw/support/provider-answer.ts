/**
 * The fake provider's answers: an echo of the client's text (or a quote of a tool result), or a
 * tool call when the text asks for one, streamed as OpenAI chunks or whole.
 */
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { markersOf } from './provider-text.ts';

export interface CallInput {
  id: number;
  body: Record<string, unknown>;
  text: string;
  /** The tool result this call answers, or null. */
  toolResult: string | null;
}

interface AnswerOptions {
  chunkDelayMs?: number;
  reply?: string;
  models?: string[];
}

const oneLine = (s: string, max: number): string => s.replace(/\s+/g, ' ').trim().slice(0, max);

/** Writes the answer; resolves with what it was. */
export async function answerCall(
  res: ServerResponse,
  call: CallInput,
  options: AnswerOptions,
): Promise<'text' | 'tool'> {
  const model = typeof call.body.model === 'string' ? call.body.model : 'fake-model';
  const head = {
    id: `chatcmpl-fake-${call.id}`,
    created: Math.floor(Date.now() / 1000),
    model,
  };
  const tool = markersOf(call.text).tool;
  const stream = call.body.stream === true;
  if (tool && call.toolResult === null) {
    const toolCall = {
      id: `call_fake_${call.id}`,
      type: 'function',
      function: { name: tool.name, arguments: tool.arguments },
    };
    if (stream) streamToolCall(res, head, toolCall);
    else {
      const message = { role: 'assistant', content: null, tool_calls: [toolCall] };
      const choices = [{ index: 0, message, finish_reason: 'tool_calls' }];
      sendWhole(res, { ...head, object: 'chat.completion', choices });
    }
    return 'tool';
  }
  const reply =
    call.toolResult !== null
      ? `FAKE-LLM reply #${call.id}: tool result was "${oneLine(call.toolResult, 120)}"`
      : (options.reply ?? `FAKE-LLM reply #${call.id}: you said "${oneLine(call.text, 200)}"`);
  const rawLength = JSON.stringify(call.body).length;
  const usage = {
    prompt_tokens: Math.ceil(rawLength / 4),
    completion_tokens: Math.ceil(reply.length / 4),
    total_tokens: Math.ceil(rawLength / 4) + Math.ceil(reply.length / 4),
  };
  if (stream) await streamText(res, head, reply, usage, call.body, options.chunkDelayMs ?? 0);
  else {
    const message = { role: 'assistant', content: reply };
    const choices = [{ index: 0, message, finish_reason: 'stop' }];
    sendWhole(res, { ...head, object: 'chat.completion', choices, usage });
  }
  return 'text';
}

function sendWhole(res: ServerResponse, body: object): void {
  const data = JSON.stringify(body);
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(data),
  });
  res.end(data);
}

function startStream(res: ServerResponse): (obj: object) => void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  return (obj) => void res.write(`data: ${JSON.stringify(obj)}\n\n`);
}

function streamToolCall(res: ServerResponse, head: object, toolCall: object): void {
  const send = startStream(res);
  const base = { ...head, object: 'chat.completion.chunk' };
  const delta = { role: 'assistant', content: null, tool_calls: [{ index: 0, ...toolCall }] };
  send({ ...base, choices: [{ index: 0, delta, finish_reason: null }] });
  send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] });
  res.end('data: [DONE]\n\n');
}

async function streamText(
  res: ServerResponse,
  head: object,
  reply: string,
  usage: object,
  body: Record<string, unknown>,
  chunkDelayMs: number,
): Promise<void> {
  let closed = false;
  res.on('close', () => (closed = true));
  const send = startStream(res);
  const base = { ...head, object: 'chat.completion.chunk' };
  send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] });
  for (const piece of reply.match(/\S+\s*/g) ?? [reply]) {
    if (closed) break;
    if (chunkDelayMs) await sleep(chunkDelayMs);
    send({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
  }
  send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  const wantsUsage = (body.stream_options as { include_usage?: unknown } | undefined)
    ?.include_usage;
  if (wantsUsage) send({ ...base, choices: [], usage });
  res.end('data: [DONE]\n\n');
}
