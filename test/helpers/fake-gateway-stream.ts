/**
 * How the fake gateway writes its answers: SSE streams (with the injected stream faults), whole
 * `chat.completion`s, and OpenClaw's error bodies. See fake-gateway.ts for the faults.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export type Fault =
  /** An error answer; default bodies are OpenClaw's shapes for that status. */
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** 200, `afterChunks` content chunks, then `data: {"error":{…}}` and `data: [DONE]`. */
  | { kind: 'stream-error'; message?: string; type?: string; afterChunks?: number }
  /** 200, some chunks, then the socket is destroyed (no [DONE], no end of body). */
  | { kind: 'reset'; afterChunks?: number }
  /** 200 headers (and some chunks), then nothing at all until the client gives up. */
  | { kind: 'silence'; afterChunks?: number }
  /** 200, `afterChunks` chunks, silent for `ms` (a long tool run, say), then the rest. */
  | { kind: 'pause'; ms: number; afterChunks?: number }
  /** The request is read and never answered: not even headers. */
  | { kind: 'no-headers' }
  /** A `data:` line that is not JSON. */
  | { kind: 'malformed'; afterChunks?: number }
  /** The body ends cleanly but without `data: [DONE]`. */
  | { kind: 'no-done'; afterChunks?: number }
  /**
   * The model provider behind OpenClaw fails for good, as OpenClaw relays it once its own
   * handling gives up (`afterMs` later; minutes on the real one): streamed, a 200 whose stream
   * is the role chunk then `{"error":{…,"type":"rate_limit_error"}}` (429) or
   * `{"error":{"message":"upstream provider error","type":"api_error"}}` (500) and [DONE];
   * whole, HTTP 429 (without Retry-After) or 502. The transcript gets an error turn.
   */
  | { kind: 'provider'; status: 429 | 500; afterMs?: number };

export const completionId = (): string => `chatcmpl_${randomUUID()}`;
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
/** Word by word, spaces kept, so the pieces join back to the reply exactly. */
export const splitReply = (reply: string): string[] => reply.match(/\S+\s*|\s+/g) ?? [];

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

export function invalid(res: ServerResponse, message: string): void {
  sendJson(res, 400, { error: { message, type: 'invalid_request_error' } });
}

const STATUS_BODIES: Record<number, object> = {
  401: { error: { message: 'Unauthorized', type: 'unauthorized' } },
  429: { error: { message: 'Rate limit exceeded', type: 'rate_limit_error' } },
  500: { error: { message: 'internal error', type: 'api_error' } },
  502: { error: { message: 'upstream provider error', type: 'api_error' } },
};

export function sendFault(res: ServerResponse, fault: Extract<Fault, { kind: 'status' }>): void {
  const body = fault.body ??
    STATUS_BODIES[fault.status] ?? { error: { message: `HTTP ${fault.status}` } };
  sendJson(res, fault.status, body, fault.headers);
}

/** What OpenClaw 2026.9.6 answers new work while it drains for a stop or restart. */
export const UNAVAILABLE_BODY = {
  error: {
    message: 'Gateway is temporarily unavailable while suspending or restarting',
    type: 'service_unavailable',
    code: 'gateway_unavailable',
  },
};

export function sendUnavailable(res: ServerResponse): void {
  sendJson(res, 503, UNAVAILABLE_BODY, { 'cache-control': 'no-store', 'retry-after': '1' });
}

/** The error OpenClaw relays for a provider that keeps failing (see Fault 'provider'). */
export function providerError(status: 429 | 500): { message: string; type: string } {
  return status === 429
    ? { message: '429 Rate limit exceeded; Retry-After: 1 seconds', type: 'rate_limit_error' }
    : { message: 'upstream provider error', type: 'api_error' };
}

/** The assistant text OpenClaw puts in the transcript for that failure. */
export function providerErrorTurn(status: 429 | 500): string {
  return status === 429
    ? '⚠️ LLM request failed (rate limited, HTTP 429). This is usually temporary — try again shortly.'
    : '⚠️ LLM request failed (provider internal error, HTTP 500). This is usually temporary — try again shortly.';
}

export function markerFault(text: string): Fault | undefined {
  const match = /\[\[fault:([a-z0-9-]+)(?::(\d+))?\]\]/.exec(text);
  if (!match) return undefined;
  const [, kind = '', arg] = match;
  const n = arg === undefined ? undefined : Number(arg);
  if (/^\d{3}$/.test(kind)) {
    const headers: Record<string, string> = n === undefined ? {} : { 'retry-after': String(n) };
    return { kind: 'status', status: Number(kind), headers };
  }
  if (kind === 'provider-429' || kind === 'provider-500') {
    return { kind: 'provider', status: kind === 'provider-429' ? 429 : 500, afterMs: n };
  }
  if (kind === 'no-headers') return { kind };
  if (kind === 'pause') return { kind, ms: n ?? 1000 };
  const streamed = ['reset', 'silence', 'malformed', 'no-done', 'stream-error'] as const;
  const found = streamed.find((k) => k === kind);
  return found ? { kind: found, afterChunks: n ?? 1 } : undefined;
}

/** One SSE stream: its head fields, and whether the role chunk went out already. */
export class SseWriter {
  readonly id = completionId();
  private readonly head: object;
  private hasRole = false;
  private readonly res: ServerResponse;

  constructor(res: ServerResponse, model: string) {
    this.res = res;
    this.head = { id: this.id, object: 'chat.completion.chunk', created: nowSeconds(), model };
  }

  get open(): boolean {
    return this.res.headersSent && !this.res.destroyed && !this.res.writableEnded;
  }

  /** 200 and the SSE headers, flushed, as OpenClaw does before the run starts. */
  start(): void {
    if (this.res.headersSent) return;
    this.res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    this.res.flushHeaders();
  }

  chunk(extra: object): void {
    this.res.write(`data: ${JSON.stringify({ ...this.head, ...extra })}\n\n`);
  }

  get roleSent(): boolean {
    return this.hasRole;
  }

  role(): void {
    if (this.hasRole) return;
    this.hasRole = true;
    this.chunk({ choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: null }] });
  }

  content(piece: string): void {
    this.role();
    this.chunk({ choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
  }

  finish(usage: object): void {
    this.chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage });
    this.res.end('data: [DONE]\n\n');
  }

  error(error: object): void {
    this.res.end(`data: ${JSON.stringify({ error })}\n\ndata: [DONE]\n\n`);
  }
}

/** Sleeps unless the response or the gateway goes away first; false when it did. */
export async function pause(
  ms: number | undefined,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<boolean> {
  if (res.destroyed || signal.aborted) return false;
  if (!ms) return true;
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    return false;
  }
  return !res.destroyed;
}

export function usageOf(text: string, completionTokens: number) {
  const promptTokens = text.split(/\s+/).filter(Boolean).length;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}
