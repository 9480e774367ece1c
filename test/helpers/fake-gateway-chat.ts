/**
 * One POST /v1/chat/completions of the fake gateway, from an accepted request to its last byte:
 * the session turn (when OpenClaw behaviour is on), the answer (text, tool call, or a fault),
 * and what the transcript records of it. See fake-gateway.ts for the options.
 */
import type { ServerResponse } from 'node:http';
import type { ScriptedCall } from './fake-gateway-tools.ts';
import { streamToolCall, wholeToolCall } from './fake-gateway-tools.ts';
import type { SessionBook, Turn } from './fake-gateway-sessions.ts';
import {
  completionId,
  nowSeconds,
  pause,
  providerError,
  providerErrorTurn,
  sendJson,
  splitReply,
  SseWriter,
  usageOf,
  type Fault,
} from './fake-gateway-stream.ts';

export interface Behaviour {
  turns: 'parallel' | 'queue' | 'refuse';
  roleChunkAtOnce: boolean;
  modelStartMs: number;
}

export interface ChatJob {
  res: ServerResponse;
  model: string;
  stream: boolean;
  sessionKey: string;
  /** The user message, or the tool results as OpenClaw records them ("Tool:<id>: <content>"). */
  text: string;
  receivedAt: number;
  /** How long the model "thinks" before its first chunk (a `[[delay:ms]]` marker). */
  thinkMs?: number;
  answer: { kind: 'text'; reply: string } | { kind: 'tool'; call: ScriptedCall };
  fault?: Fault;
}

export interface ChatContext {
  behaviour: Behaviour;
  book: SessionBook;
  firstChunkDelayMs?: number;
  chunkDelayMs?: number;
  /** Aborts when the gateway closes or crashes. */
  closing: AbortSignal;
}

const INTERNAL = { message: 'internal error', type: 'api_error' };

/** Runs the request; resolves when its answer has been written (or abandoned). */
export async function runChat(job: ChatJob, ctx: ChatContext): Promise<void> {
  const { res } = job;
  const left = new AbortController();
  res.on('close', () => left.abort());
  const sse = job.stream ? new SseWriter(res, job.model) : undefined;
  const turn = await openTurn(job, ctx, sse, left.signal);
  if (turn === 'refused') return;
  // A client that leaves before its answer is complete aborts the run (status `killed`).
  res.on('close', () => turn.aborted());
  if (!(await pause(ctx.behaviour.modelStartMs, res, ctx.closing))) return;
  turn.modelStarted(job.text, job.receivedAt);
  if (job.fault?.kind === 'provider') return providerFailure(job, ctx, sse, turn);
  if (job.answer.kind === 'tool') {
    turn.toolCall(job.answer.call.name, job.answer.call.arguments);
    return toolAnswer(job, job.answer.call, sse, turn.runId);
  }
  if (!sse) return wholeAnswer(job, ctx, job.answer.reply, turn);
  await streamAnswer(job, ctx, sse, job.answer.reply, turn);
}

/** Waits for the session's turn; with `refuse`, a busy session gets OpenClaw's internal error. */
async function openTurn(
  job: ChatJob,
  ctx: ChatContext,
  sse: SseWriter | undefined,
  left: AbortSignal,
): Promise<Turn | 'refused'> {
  const { behaviour } = ctx;
  if (sse && behaviour.roleChunkAtOnce && job.fault?.kind !== 'no-headers') {
    sse.start();
    sse.role();
  }
  const runId = sse?.id ?? completionId();
  const turn = await ctx.book.begin(job.sessionKey, behaviour.turns, left, runId);
  if (turn) return turn;
  if (left.aborted) return 'refused';
  if (sse) {
    sse.start();
    sse.role();
    sse.error(INTERNAL);
  } else sendJson(job.res, 500, { error: INTERNAL });
  return 'refused';
}

async function providerFailure(
  job: ChatJob,
  ctx: ChatContext,
  sse: SseWriter | undefined,
  turn: Turn,
): Promise<void> {
  const fault = job.fault as Extract<Fault, { kind: 'provider' }>;
  if (sse) sse.start();
  if (!(await pause(fault.afterMs, job.res, ctx.closing))) return;
  turn.failed(providerErrorTurn(fault.status));
  const error = providerError(fault.status);
  if (sse) {
    sse.role();
    return sse.error(error);
  }
  sendJson(job.res, fault.status === 429 ? 429 : 502, { error });
}

function toolAnswer(job: ChatJob, call: ScriptedCall, sse: SseWriter | undefined, runId: string) {
  const head = {
    id: runId,
    object: 'chat.completion.chunk',
    created: nowSeconds(),
  };
  const usage = usageOf(job.text, 1);
  if (!sse)
    return sendJson(job.res, 200, wholeToolCall({ ...head, model: job.model }, call, usage));
  streamToolCall(job.res, { ...head, model: job.model }, call, usage, sse.roleSent);
}

async function wholeAnswer(job: ChatJob, ctx: ChatContext, reply: string, turn: Turn) {
  if (!(await pause(job.thinkMs ?? ctx.firstChunkDelayMs, job.res, ctx.closing))) return;
  turn.answered(reply);
  sendJson(job.res, 200, {
    id: turn.runId,
    object: 'chat.completion',
    created: nowSeconds(),
    model: job.model,
    choices: [{ index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'stop' }],
    usage: usageOf(job.text, splitReply(reply).length),
  });
}

/**
 * Headers at once, silence while the model thinks (`firstChunkDelayMs`), then the reply word by
 * word, with the stream faults of fake-gateway-stream.ts applied.
 */
async function streamAnswer(
  job: ChatJob,
  ctx: ChatContext,
  sse: SseWriter,
  reply: string,
  turn: Turn,
): Promise<void> {
  const { res, fault } = job;
  if (fault?.kind === 'no-headers') return;
  sse.start();
  const pieces = splitReply(reply);
  const cut = fault && fault.kind !== 'pause' && 'afterChunks' in fault;
  const limit = cut ? (fault.afterChunks ?? 0) : pieces.length;
  const pauseAt = fault?.kind === 'pause' ? (fault.afterChunks ?? 1) : -1;
  if (!(await pause(job.thinkMs ?? ctx.firstChunkDelayMs, res, ctx.closing))) return;
  for (const [i, piece] of pieces.slice(0, limit).entries()) {
    if (i > 0 && !(await pause(ctx.chunkDelayMs, res, ctx.closing))) return;
    if (i === pauseAt && fault?.kind === 'pause' && !(await pause(fault.ms, res, ctx.closing))) {
      return;
    }
    sse.content(piece);
  }
  if (!(await pause(ctx.chunkDelayMs, res, ctx.closing))) return;
  endStream(job, sse, reply, pieces.length, turn);
}

function endStream(job: ChatJob, sse: SseWriter, reply: string, pieces: number, turn: Turn) {
  const { res, fault } = job;
  switch (fault?.kind) {
    case 'silence':
      return;
    case 'reset':
      // destroySoon: the chunks already written still reach the client, then the line drops.
      return void res.socket?.destroySoon();
    case 'malformed':
      turn.answered(reply);
      return void res.end(
        'data: {"choices":[{"delta":{"content":"unterminated\n\ndata: [DONE]\n\n',
      );
    case 'no-done':
      turn.answered(reply);
      return void res.end();
    case 'stream-error':
      turn.failed(fault.message ?? 'upstream provider error');
      return sse.error({
        message: fault.message ?? 'upstream provider error',
        type: fault.type ?? 'api_error',
      });
  }
  turn.answered(reply);
  sse.finish(usageOf(job.text, pieces));
}
