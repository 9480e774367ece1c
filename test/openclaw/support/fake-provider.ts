/**
 * The model provider behind the real OpenClaw in our tests: an OpenAI-compatible server on
 * 127.0.0.1 that echoes, with faults on demand (a TypeScript port of the lead's
 * /work/shared/peer/fake-llm.mjs, which the project cannot rely on).
 *
 * Markers in the client's message (OpenClaw's wrapping removed, see provider-text.ts):
 * - `[[fail:<status>]]` every call answers that status (429 and 503 with `Retry-After: 1`);
 *   `[[fail:<status>:<n>]]` only the first n calls for that message do. Through OpenClaw
 *   a 429 or 5xx is retried or waited out by OpenClaw itself before the client hears of it.
 * - `[[delay:<ms>]]` the call waits this long before answering (the model "thinking").
 * - `[[tool:<name>]]` + `[[args:{…}]]` the answer is a call of that tool; once the conversation
 *   ends with its result, a text answer quoting it. Client tools offered to OpenClaw reach the
 *   model through OpenClaw's `tool_call` meta-tool:
 *   `[[tool:tool_call]] [[args:{"id":"get_weather","args":{"city":"Oslo"}}]]`.
 *
 * Limits like NVIDIA's free tier (`maxConcurrent`, `maxPerMinute`, answered 429 + Retry-After)
 * are off unless given. HTTP extras: GET /health, GET /stats, POST /stats/reset.
 */
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseObject, readBody, sendError, sendJson } from './http-util.ts';
import { answerCall } from './provider-answer.ts';
import { markersOf, trailingToolResult, userTextOf, type ChatMessage } from './provider-text.ts';

export interface FakeProviderOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Before every answer, unless `[[delay:ms]]` says otherwise. Default 0. */
  delayMs?: number;
  /** Between streamed chunks. Default 0. */
  chunkDelayMs?: number;
  /** Calls at once before 429 (0 = no limit, the default). */
  maxConcurrent?: number;
  /** Calls per rolling minute before 429 (0 = no limit, the default). */
  maxPerMinute?: number;
  /** When set, calls must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** A fixed reply instead of the echo. */
  reply?: string;
  models?: string[];
}

/** One chat call as the provider saw it. */
export interface ProviderCall {
  id: number;
  /** Epoch ms the call's body had arrived. */
  at: number;
  text: string;
  toolResult: string | null;
  stream: boolean;
  toolNames: string[];
  messages: number;
  /** What the provider answered: a status code, or 'text' / 'tool'. */
  outcome?: number | 'text' | 'tool';
}

export interface ProviderStats {
  received: number;
  accepted: number;
  completed: number;
  rejectedConcurrency: number;
  rejectedRate: number;
  injectedFailures: number;
  unauthorized: number;
  inflight: number;
  maxInflight: number;
}

export interface FakeProvider {
  /** The OpenAI base URL, `http://127.0.0.1:<port>/v1`. */
  readonly baseUrl: string;
  readonly port: number;
  readonly calls: ProviderCall[];
  readonly stats: ProviderStats;
  /** Resolves with the first call (already made or coming) that `match` accepts. */
  waitForCall(match: (call: ProviderCall) => boolean, timeoutMs?: number): Promise<ProviderCall>;
  configure(changes: Partial<FakeProviderOptions>): void;
  /** Zeroes the counters and the rate window, and forgets the calls so far. */
  resetStats(): void;
  close(): Promise<void>;
}

const WINDOW_MS = 60_000;

export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const provider = new ProviderServer({ ...options });
  await provider.listen(options.port ?? 0);
  return provider;
}

type Admission = { ok: true } | { ok: false; retryAfter: number; why: string };

class ProviderServer implements FakeProvider {
  readonly calls: ProviderCall[] = [];
  readonly stats = emptyStats();
  port = 0;
  private readonly options: FakeProviderOptions;
  private readonly events = new EventEmitter();
  private readonly failures = new Map<string, number>();
  private accepted: number[] = [];
  private readonly server: Server;

  constructor(options: FakeProviderOptions) {
    this.options = options;
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendError(res, 500, String(error), 'server_error');
        else res.end();
      });
    });
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  async listen(port: number): Promise<void> {
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
  }

  waitForCall(match: (call: ProviderCall) => boolean, timeoutMs = 120_000): Promise<ProviderCall> {
    const found = this.calls.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onCall = (call: ProviderCall): void => {
        if (!match(call)) return;
        clearTimeout(timer);
        this.events.off('call', onCall);
        resolve(call);
      };
      const timer = setTimeout(() => {
        this.events.off('call', onCall);
        reject(new Error(`fake provider: no matching call within ${timeoutMs} ms`));
      }, timeoutMs);
      this.events.on('call', onCall);
    });
  }

  configure(changes: Partial<FakeProviderOptions>): void {
    Object.assign(this.options, changes);
  }

  resetStats(): void {
    Object.assign(this.stats, emptyStats(), { inflight: this.stats.inflight });
    this.accepted = [];
    this.calls.length = 0;
  }

  async close(): Promise<void> {
    const closed = once(this.server, 'close');
    this.server.close();
    this.server.closeAllConnections();
    await closed;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/\/+$/, '') || '/';
    const raw = await readBody(req);
    const route = `${req.method} ${path}`;
    if (route === 'GET /health') return sendJson(res, 200, { ok: true });
    if (route === 'GET /stats') return sendJson(res, 200, this.statsBody());
    if (route === 'POST /stats/reset') {
      this.resetStats();
      return sendJson(res, 200, { ok: true });
    }
    if (path.startsWith('/v1/')) {
      this.stats.received++;
      if (this.options.apiKey && req.headers.authorization !== `Bearer ${this.options.apiKey}`) {
        this.stats.unauthorized++;
        return sendError(res, 401, 'invalid API key', 'invalid_request_error');
      }
    }
    if (route === 'GET /v1/models') {
      const data = (this.options.models ?? ['fake-model']).map((id) => ({
        id,
        object: 'model',
        created: 0,
        owned_by: 'fake-llm',
      }));
      return sendJson(res, 200, { object: 'list', data });
    }
    if (route === 'POST /v1/chat/completions') return this.chat(res, raw);
    sendError(res, 404, `no route ${route}`, 'invalid_request_error');
  }

  private async chat(res: ServerResponse, raw: string): Promise<void> {
    const body = parseObject(raw);
    if (!body) return sendError(res, 400, 'invalid JSON body', 'invalid_request_error');
    const messages = Array.isArray(body.messages) ? (body.messages as ChatMessage[]) : [];
    const { text, toolResult } = userTextOf(messages);
    const call: ProviderCall = {
      id: this.calls.length + 1,
      at: Date.now(),
      text,
      toolResult,
      stream: body.stream === true,
      toolNames: toolNamesOf(body.tools),
      messages: messages.length,
    };
    this.calls.push(call);
    this.events.emit('call', call);
    const admitted = this.admit();
    if (!admitted.ok) {
      call.outcome = 429;
      const headers = { 'retry-after': String(admitted.retryAfter) };
      return sendError(res, 429, admitted.why, 'rate_limit_exceeded', headers);
    }
    this.stats.inflight++;
    this.stats.maxInflight = Math.max(this.stats.maxInflight, this.stats.inflight);
    try {
      await sleep(markersOf(text).delayMs ?? this.options.delayMs ?? 0);
      call.outcome = await this.answer(res, call, body, trailingToolResult(messages));
    } finally {
      this.stats.inflight--;
    }
  }

  private async answer(
    res: ServerResponse,
    call: ProviderCall,
    body: Record<string, unknown>,
    lastToolResult: string | null,
  ): Promise<ProviderCall['outcome']> {
    const status = this.injectedFailure(call.text);
    if (status !== undefined) {
      this.stats.injectedFailures++;
      const headers: Record<string, string> =
        status === 429 || status === 503 ? { 'retry-after': '1' } : {};
      const type = status >= 500 ? 'server_error' : 'invalid_request_error';
      sendError(res, status, `injected failure ${status}`, type, headers);
      return status;
    }
    const toolResult = call.toolResult ?? lastToolResult;
    const input = { id: call.id, body, text: call.text, toolResult };
    const outcome = await answerCall(res, input, this.options);
    this.stats.completed++;
    return outcome;
  }

  private admit(): Admission {
    const now = Date.now();
    this.accepted = this.accepted.filter((t) => now - t < WINDOW_MS);
    const { maxConcurrent = 0, maxPerMinute = 0 } = this.options;
    if (maxConcurrent > 0 && this.stats.inflight >= maxConcurrent) {
      this.stats.rejectedConcurrency++;
      return {
        ok: false,
        retryAfter: 1,
        why: `too many concurrent requests (max ${maxConcurrent})`,
      };
    }
    if (maxPerMinute > 0 && this.accepted.length >= maxPerMinute) {
      this.stats.rejectedRate++;
      const oldest = this.accepted[0] ?? now;
      const retryAfter = Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000));
      return { ok: false, retryAfter, why: `rate limit exceeded (max ${maxPerMinute} per minute)` };
    }
    this.accepted.push(now);
    this.stats.accepted++;
    return { ok: true };
  }

  /**
   * Whether this call must fail. `[[fail:<status>:<n>]]` counts per message: the text up to the
   * marker, because OpenClaw's retries append "Continue the current task…" after it.
   */
  private injectedFailure(text: string): number | undefined {
    const fail = markersOf(text).fail;
    if (!fail) return undefined;
    if (fail.times === undefined) return fail.status;
    const key = text.slice(0, text.indexOf(']]', text.indexOf('[[fail:')) + 2);
    const seen = this.failures.get(key) ?? 0;
    this.failures.set(key, seen + 1);
    return seen < fail.times ? fail.status : undefined;
  }

  private statsBody(): object {
    const { maxConcurrent = 0, maxPerMinute = 0 } = this.options;
    const windowCount = this.accepted.filter((t) => Date.now() - t < WINDOW_MS).length;
    return { ...this.stats, windowCount, limits: { maxConcurrent, maxPerMin: maxPerMinute } };
  }
}

function emptyStats(): ProviderStats {
  return {
    received: 0,
    accepted: 0,
    completed: 0,
    rejectedConcurrency: 0,
    rejectedRate: 0,
    injectedFailures: 0,
    unauthorized: 0,
    inflight: 0,
    maxInflight: 0,
  };
}

function toolNamesOf(tools: unknown): string[] {
  if (!Array.isArray(tools)) return [];
  return tools.map((t: { function?: { name?: unknown } }) => String(t?.function?.name ?? ''));
}
