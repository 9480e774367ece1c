/**
 * A fake OpenClaw V1 gateway for tests: node:http on 127.0.0.1, OpenAI-shaped answers, and
 * faults on demand. Faults come, first match wins, from `failNext()` (queued, one per chat
 * request), the `fault` hook, a marker in the user message (`[[fault:…]]`, usable when the
 * request is made by another process), then the NVIDIA-like `limits`.
 *
 * Markers: `[[fault:429]]`, `[[fault:429:3]]` (Retry-After: 3), any `[[fault:<status>]]`,
 * `[[fault:stream-error]]`, `[[fault:reset:<chunks>]]`, `[[fault:silence]]`,
 * `[[fault:no-headers]]`, `[[fault:malformed]]`, `[[fault:no-done]]`, `[[fault:pause:<ms>]]`.
 *
 * Tool calls: `[[tool:NAME]]`, `[[args:{…}]]`, `[[tool-rounds:N]]`; see fake-gateway-tools.ts.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ToolSessions,
  streamToolCall,
  trailingToolResults,
  wholeToolCall,
} from './fake-gateway-tools.ts';

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
  | { kind: 'no-done'; afterChunks?: number };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or the raw text when it is not JSON. */
  body: unknown;
  /** Epoch ms the whole request had arrived. */
  receivedAt: number;
}

export interface FakeGatewayOptions {
  /** Default: a random token. */
  token?: string;
  /** Default: any free port. */
  port?: number;
  /** The assistant's answer for a user message. Default: `Echo: <text>`. */
  reply?: (userText: string) => string;
  /** Before the first chunk (the model "thinking"). Default 0. */
  firstChunkDelayMs?: number;
  /** Between chunks. Default 1. */
  chunkDelayMs?: number;
  /** false: answer 404 on /v1/chat/completions, as OpenClaw does while it is disabled. */
  chatCompletionsEnabled?: boolean;
  /** The agents `GET /v1/models` lists (as `openclaw/<id>`). Default: `main`. */
  agents?: string[];
  fault?: (request: RecordedRequest) => Fault | undefined;
  /** Provider-like limits: beyond them the gateway answers 429 rate_limit_error. */
  limits?: {
    maxConcurrent?: number;
    perMinute?: number;
    retryAfterSeconds?: number;
    /** The rolling window of `perMinute`; shorter windows compress time in tests. */
    windowMs?: number;
  };
}

export interface FakeGateway {
  readonly url: string;
  readonly token: string;
  /** Every request, in arrival order, whatever its answer. */
  readonly requests: RecordedRequest[];
  /** GET /health and /readyz answered (not in `requests`): how many, and when. */
  readonly healthChecks: { count: number; at: number[] };
  /** Chat completion requests being answered right now, and the most seen at once. */
  readonly stats: { inFlight: number; maxInFlight: number; limited: number };
  chatRequests(): RecordedRequest[];
  failNext(...faults: Fault[]): void;
  /** Change options for the requests that follow (delays, reply, hook, limits…). */
  configure(options: Partial<FakeGatewayOptions>): void;
  close(): Promise<void>;
}

const MODEL = /^openclaw(?:[/:][\w.-]+)?$/;

export async function startFakeGateway(initial: FakeGatewayOptions = {}): Promise<FakeGateway> {
  const token = initial.token ?? `fake-${randomBytes(12).toString('hex')}`;
  const options: FakeGatewayOptions = { chunkDelayMs: 1, firstChunkDelayMs: 0, ...initial };
  const requests: RecordedRequest[] = [];
  const healthChecks = { count: 0, at: [] as number[] };
  const queued: Fault[] = [];
  const stats = { inFlight: 0, maxInFlight: 0, limited: 0 };
  const starts: number[] = [];
  const closing = new AbortController();
  const toolSessions = new ToolSessions();

  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const record = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: parseJson(text),
        receivedAt: Date.now(),
      };
      // OpenClaw's liveness and readiness answer without a token; counted apart from requests.
      if (record.method === 'GET' && (record.path === '/health' || record.path === '/readyz')) {
        healthChecks.count++;
        healthChecks.at.push(record.receivedAt);
        const live = record.path === '/health';
        return sendJson(
          res,
          200,
          live ? { ok: true, status: 'live' } : { ready: true, failing: [] },
        );
      }
      requests.push(record);
      route(record, res);
    });
  });

  function route(record: RecordedRequest, res: ServerResponse): void {
    if (record.headers.authorization !== `Bearer ${token}`) {
      return sendJson(res, 401, { error: { message: 'Unauthorized', type: 'unauthorized' } });
    }
    if (record.path === '/v1/models' && record.method === 'GET') {
      const agents = (options.agents ?? ['main']).map((a) => `openclaw/${a}`);
      const data = ['openclaw', ...agents].map((id) => ({
        id,
        object: 'model',
        owned_by: 'openclaw',
      }));
      return sendJson(res, 200, { object: 'list', data });
    }
    if (record.path !== '/v1/chat/completions' || options.chatCompletionsEnabled === false) {
      return sendJson(res, 404, { error: { message: 'Not Found', type: 'not_found' } });
    }
    if (record.method !== 'POST')
      return sendJson(res, 405, { error: { message: 'Method Not Allowed' } });
    const body = record.body as { model?: unknown; stream?: unknown; messages?: unknown } | null;
    if (typeof body?.model !== 'string' || !MODEL.test(body.model)) {
      return invalid(
        res,
        `Invalid model: ${String(body?.model)}; use openclaw or openclaw/<agentId>`,
      );
    }
    const userText = lastUserText(body.messages);
    const results = trailingToolResults(body.messages);
    if (userText === null && results === null) {
      return invalid(res, 'Missing user message in `messages`.');
    }
    const fault =
      queued.shift() ??
      options.fault?.(record) ??
      (userText === null ? undefined : markerFault(userText)) ??
      limitFault();
    if (fault?.kind === 'status') return sendFault(res, fault);
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    // A request stops counting once its answer is written, as a provider sees it.
    let counted = true;
    const done = () => {
      if (counted) stats.inFlight--;
      counted = false;
    };
    res.on('finish', done);
    res.on('close', done);
    const sessionKey = String(record.headers['x-openclaw-session-key'] ?? '');
    const replyTo = options.reply ?? ((t: string) => `Echo: ${t}`);
    const answer = toolSessions.answer(sessionKey, userText, results, replyTo);
    const text = userText ?? results?.join('\n') ?? '';
    if (answer.kind === 'tool') {
      const head = { id: completionId(), object: 'chat.completion.chunk', created: now() };
      const usage = usageOf(text, 1);
      const whole = body.stream !== true;
      if (whole)
        return sendJson(
          res,
          200,
          wholeToolCall({ ...head, model: body.model }, answer.call, usage),
        );
      return streamToolCall(res, { ...head, model: body.model }, answer.call, usage);
    }
    const reply = answer.reply;
    if (body.stream !== true) return void answerWhole(res, body.model, text, reply);
    void stream(res, body.model, text, reply, fault);
  }

  function limitFault(): Fault | undefined {
    const { maxConcurrent, perMinute, retryAfterSeconds, windowMs = 60_000 } = options.limits ?? {};
    const now = Date.now();
    while (starts.length > 0 && (starts[0] ?? now) <= now - windowMs) starts.shift();
    const over =
      (maxConcurrent !== undefined && stats.inFlight >= maxConcurrent) ||
      (perMinute !== undefined && starts.length >= perMinute);
    if (!over) {
      starts.push(now);
      return undefined;
    }
    stats.limited++;
    const headers: Record<string, string> =
      retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) };
    return { kind: 'status', status: 429, headers };
  }

  async function pause(ms: number | undefined, res: ServerResponse): Promise<boolean> {
    if (res.destroyed || closing.signal.aborted) return false;
    if (!ms) return true;
    try {
      await sleep(ms, undefined, { signal: closing.signal });
    } catch {
      return false;
    }
    return !res.destroyed;
  }

  async function stream(
    res: ServerResponse,
    model: string,
    text: string,
    reply: string,
    fault?: Fault,
  ) {
    if (fault?.kind === 'no-headers') return;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    res.flushHeaders();
    const head = { id: completionId(), object: 'chat.completion.chunk', created: now(), model };
    const chunk = (extra: object): string => `data: ${JSON.stringify({ ...head, ...extra })}\n\n`;
    const pieces = splitReply(reply);
    const cut = fault && fault.kind !== 'pause' && 'afterChunks' in fault;
    const limit = cut ? (fault.afterChunks ?? 0) : pieces.length;
    const pauseAt = fault?.kind === 'pause' ? (fault.afterChunks ?? 1) : -1;
    // Like OpenClaw: headers at once, then silence while the model thinks, and the role
    // chunk only together with the first text.
    if (!(await pause(options.firstChunkDelayMs, res))) return;
    for (const [i, piece] of pieces.slice(0, limit).entries()) {
      if (i > 0 && !(await pause(options.chunkDelayMs, res))) return;
      if (i === pauseAt && fault?.kind === 'pause' && !(await pause(fault.ms, res))) return;
      if (i === 0) res.write(chunk({ choices: [{ index: 0, delta: { role: 'assistant' } }] }));
      res.write(chunk({ choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] }));
    }
    if (!(await pause(options.chunkDelayMs, res))) return;
    switch (fault?.kind) {
      case 'silence':
        return;
      case 'reset':
        // destroySoon: the chunks already written still reach the client, then the line drops.
        return void res.socket?.destroySoon();
      case 'malformed':
        return void res.end(
          'data: {"choices":[{"delta":{"content":"unterminated\n\ndata: [DONE]\n\n',
        );
      case 'no-done':
        return void res.end();
      case 'stream-error': {
        const error = {
          message: fault.message ?? 'upstream provider error',
          type: fault.type ?? 'api_error',
        };
        return void res.end(`data: ${JSON.stringify({ error })}\n\ndata: [DONE]\n\n`);
      }
    }
    const usage = usageOf(text, pieces.length);
    res.write(chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage }));
    res.end('data: [DONE]\n\n');
  }

  async function answerWhole(res: ServerResponse, model: string, text: string, reply: string) {
    if (!(await pause(options.firstChunkDelayMs, res))) return;
    sendJson(res, 200, {
      id: completionId(),
      object: 'chat.completion',
      created: now(),
      model,
      choices: [
        { index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'stop' },
      ],
      usage: usageOf(text, splitReply(reply).length),
    });
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    healthChecks,
    stats,
    chatRequests: () => requests.filter((r) => r.path === '/v1/chat/completions'),
    failNext: (...faults) => void queued.push(...faults),
    configure: (changes) => void Object.assign(options, changes),
    close() {
      closing.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}

const completionId = (): string => `chatcmpl_${randomBytes(6).toString('hex')}`;
const now = (): number => Math.floor(Date.now() / 1000);
/** Word by word, spaces kept, so the pieces join back to the reply exactly. */
const splitReply = (reply: string): string[] => reply.match(/\S+\s*|\s+/g) ?? [];

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function lastUserText(messages: unknown): string | null {
  if (!Array.isArray(messages)) return null;
  const last = [...messages].reverse().find((m: { role?: unknown }) => m?.role === 'user') as
    { content?: unknown } | undefined;
  return typeof last?.content === 'string' && last.content.trim() ? last.content : null;
}

function usageOf(text: string, completionTokens: number) {
  const promptTokens = text.split(/\s+/).filter(Boolean).length;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function invalid(res: ServerResponse, message: string): void {
  sendJson(res, 400, { error: { message, type: 'invalid_request_error' } });
}

const STATUS_BODIES: Record<number, object> = {
  401: { error: { message: 'Unauthorized', type: 'unauthorized' } },
  429: { error: { message: 'Rate limit exceeded', type: 'rate_limit_error' } },
  500: { error: { message: 'internal error', type: 'api_error' } },
  502: { error: { message: 'upstream provider error', type: 'api_error' } },
};

function sendFault(res: ServerResponse, fault: Extract<Fault, { kind: 'status' }>): void {
  const body = fault.body ??
    STATUS_BODIES[fault.status] ?? { error: { message: `HTTP ${fault.status}` } };
  sendJson(res, fault.status, body, fault.headers);
}

function markerFault(text: string): Fault | undefined {
  const match = /\[\[fault:([a-z0-9-]+)(?::(\d+))?\]\]/.exec(text);
  if (!match) return undefined;
  const [, kind = '', arg] = match;
  const n = arg === undefined ? undefined : Number(arg);
  if (/^\d{3}$/.test(kind)) {
    const headers: Record<string, string> = n === undefined ? {} : { 'retry-after': String(n) };
    return { kind: 'status', status: Number(kind), headers };
  }
  if (kind === 'no-headers') return { kind };
  if (kind === 'pause') return { kind, ms: n ?? 1000 };
  const streamed = ['reset', 'silence', 'malformed', 'no-done', 'stream-error'] as const;
  const found = streamed.find((k) => k === kind);
  return found ? { kind: found, afterChunks: n ?? 1 } : undefined;
}
