/**
 * A fake OpenClaw V1 gateway for tests: node:http on 127.0.0.1, OpenAI-shaped answers, and
 * faults on demand. Faults come, first match wins, from `failNext()` (queued, one per chat
 * request), the `fault` hook, a marker in the user message (`[[fault:…]]`, usable when the
 * request is made by another process), then the NVIDIA-like `limits`.
 *
 * Markers: `[[fault:429]]`, `[[fault:429:3]]` (Retry-After: 3), any `[[fault:<status>]]`,
 * `[[fault:stream-error]]`, `[[fault:reset:<chunks>]]`, `[[fault:silence]]`,
 * `[[fault:no-headers]]`, `[[fault:malformed]]`, `[[fault:no-done]]`, `[[fault:pause:<ms>]]`,
 * `[[fault:provider-429]]` / `[[fault:provider-500]]` (`:<ms>` = after that long): the model
 * provider behind OpenClaw failing for good, relayed as OpenClaw does (see Fault 'provider').
 *
 * Tool calls: `[[tool:NAME]]`, `[[args:{…}]]`, `[[tool-rounds:N]]`; see fake-gateway-tools.ts.
 * `[[delay:<ms>]]`: the model thinks this long before its first chunk (instead of
 * `firstChunkDelayMs`), the same marker the real-gateway suite's fake provider reads.
 *
 * Like the real OpenClaw (2026.9.6, measured by test/openclaw, docs/openclaw-behaviour.md):
 * - Always: `GET /health` `{"ok":true,"status":"live"}`, and `GET /startupz` / `GET /readyz`
 *   (503 while starting or draining; `/readyz` also while `failingChannels`) without a token; a
 *   transcript per session key, read with `chat.history` over the gateway WebSocket on the same
 *   port (`@openclaw/gateway-client`, operator + token; a wrong token is AUTH_TOKEN_MISMATCH);
 *   `crash()`, `stopGracefully()`, `start()` and `restart()` on the same port.
 * - With `openclaw: true` (or per behaviour, `openclaw: { turns, roleChunkAtOnce, … }`):
 *   `turns: 'queue'` one turn per session key (a request on a busy key gets its headers and
 *   role chunk at once, then waits for the running turn; `'refuse'`: it gets OpenClaw's in-stream
 *   `internal error` instead, as when two turns race to start); `roleChunkAtOnce` the role chunk
 *   right after the headers, before the model answers; `modelStartMs` the time before the user
 *   message enters the transcript (a crash before that leaves no trace); `recovery` after a
 *   restart that cut a running turn, a recovery run answers it by itself. Off by default, so
 *   tests written before them keep their meaning.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { runChat } from './fake-gateway-chat.ts';
import { Listener } from './fake-gateway-lifecycle.ts';
import { SessionBook } from './fake-gateway-sessions.ts';
import {
  invalid,
  markerFault,
  sendFault,
  sendJson,
  sendUnavailable,
  type Fault,
} from './fake-gateway-stream.ts';
import {
  lastUserText,
  parseJson,
  readBody,
  sessionKeyOf,
  thinkMarker,
  toolResultText,
} from './fake-gateway-request.ts';
import { ToolSessions, trailingToolResults } from './fake-gateway-tools.ts';
import type {
  FakeGateway,
  FakeGatewayOptions,
  OpenClawBehaviour,
  RecordedRequest,
} from './fake-gateway-types.ts';
import { attachOperatorSocket } from './fake-gateway-ws.ts';

export type { Fault } from './fake-gateway-stream.ts';
export type {
  FakeGateway,
  FakeGatewayOptions,
  OpenClawBehaviour,
  RecordedRequest,
} from './fake-gateway-types.ts';
export type { RestartOptions } from './fake-gateway-lifecycle.ts';
export { sessionKeyOf } from './fake-gateway-request.ts';

const MODEL = /^openclaw(?:[/:][\w.-]+)?$/;
const OPENCLAW_DEFAULTS: OpenClawBehaviour = {
  turns: 'queue',
  roleChunkAtOnce: true,
  modelStartMs: 0,
  recovery: true,
  recoveryTiming: { pendingMs: 200, answerMs: 1_000 },
};
const OFF: OpenClawBehaviour = { ...OPENCLAW_DEFAULTS, turns: 'parallel', roleChunkAtOnce: false };
const NO_STORE = { 'cache-control': 'no-store' };

function isHealthCheck(record: RecordedRequest): boolean {
  const path = record.path.split('?')[0];
  return record.method === 'GET' && ['/health', '/readyz', '/startupz'].includes(path ?? '');
}

function behaviourOf(openclaw: FakeGatewayOptions['openclaw']): OpenClawBehaviour {
  if (openclaw === true) return OPENCLAW_DEFAULTS;
  if (!openclaw) return OFF;
  return { ...OPENCLAW_DEFAULTS, ...openclaw };
}

export async function startFakeGateway(initial: FakeGatewayOptions = {}): Promise<FakeGateway> {
  const gateway = new FakeGatewayServer(initial);
  await gateway.listener.listen(initial.port ?? 0);
  return gateway.api();
}

class FakeGatewayServer {
  readonly token: string;
  readonly options: FakeGatewayOptions;
  readonly requests: RecordedRequest[] = [];
  readonly healthChecks = { count: 0, at: [] as number[] };
  readonly stats = { inFlight: 0, maxInFlight: 0, limited: 0 };
  readonly book = new SessionBook();
  readonly listener: Listener;
  private readonly queued: Fault[] = [];
  private readonly starts: number[] = [];
  private readonly toolSessions = new ToolSessions();
  private readonly server: Server;

  constructor(initial: FakeGatewayOptions) {
    this.token = initial.token ?? `fake-${randomBytes(12).toString('hex')}`;
    this.options = { chunkDelayMs: 1, firstChunkDelayMs: 0, ...initial };
    this.server = createServer((req, res) => {
      void readBody(req).then((text) => {
        const record = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: parseJson(text),
          receivedAt: Date.now(),
        };
        // OpenClaw's liveness and readiness answer without a token; counted apart.
        if (isHealthCheck(record)) {
          this.healthChecks.count++;
          this.healthChecks.at.push(record.receivedAt);
        } else this.requests.push(record);
        this.route(record, res);
      });
    });
    this.listener = new Listener(this.server, this.book);
    attachOperatorSocket(this.server, {
      token: this.token,
      history: (key, limit) => this.book.history(key, limit),
      sessionKeys: () => this.book.keys(),
      unavailable: () => this.listener.phase !== 'up',
    });
  }

  api(): FakeGateway {
    const { port } = this.listener;
    const inFlight = () => this.stats.inFlight;
    return {
      url: `http://127.0.0.1:${port}`,
      wsUrl: `ws://127.0.0.1:${port}`,
      port,
      token: this.token,
      requests: this.requests,
      healthChecks: this.healthChecks,
      stats: this.stats,
      chatRequests: () => this.requests.filter((r) => r.path === '/v1/chat/completions'),
      failNext: (...faults) => void this.queued.push(...faults),
      configure: (changes) => void Object.assign(this.options, changes),
      history: (key, limit) => this.book.history(key, limit),
      crash: () => this.listener.crash(),
      stopGracefully: (timeoutMs) => this.listener.stopGracefully(inFlight, timeoutMs),
      start: (opts) => this.listener.start(opts?.startingMs ?? 0).then(() => this.recover()),
      restart: (opts) => this.listener.restart(opts ?? {}, inFlight).then(() => this.recover()),
      close: () => this.listener.close(),
    };
  }

  private recover(): void {
    const behaviour = behaviourOf(this.options.openclaw);
    if (!behaviour.recovery) return;
    const reply = this.options.reply ?? ((t: string) => `Echo: ${t}`);
    this.book.recover(behaviour.recoveryTiming, reply, this.listener.closing);
  }

  /** OpenClaw's readiness and startup probes (the short bodies; no uptime or event-loop details). */
  private probeAnswer(path: string, res: ServerResponse): void {
    const { phase } = this.listener;
    const started = phase === 'up';
    if (path === '/startupz') {
      const status = started ? 'started' : phase === 'draining' ? 'draining' : 'starting';
      return sendJson(res, started ? 200 : 503, { ok: started, status }, NO_STORE);
    }
    const failing = started
      ? (this.options.failingChannels ?? [])
      : [phase === 'draining' ? 'gateway-draining' : 'startup-sidecars'];
    const ready = failing.length === 0;
    sendJson(res, ready ? 200 : 503, { ready, failing }, NO_STORE);
  }

  private route(record: RecordedRequest, res: ServerResponse): void {
    const path = record.path.split('?')[0];
    const get = record.method === 'GET';
    if (get && path === '/health')
      return sendJson(res, 200, { ok: true, status: 'live' }, NO_STORE);
    if (get && (path === '/readyz' || path === '/startupz')) return this.probeAnswer(path, res);
    if (this.listener.phase !== 'up') return sendUnavailable(res);
    if (record.headers.authorization !== `Bearer ${this.token}`) {
      return sendJson(res, 401, { error: { message: 'Unauthorized', type: 'unauthorized' } });
    }
    if (path === '/v1/models' && get) {
      const agents = (this.options.agents ?? ['main']).map((a) => `openclaw/${a}`);
      const data = ['openclaw', 'openclaw/default', ...agents].map((id) => ({
        id,
        object: 'model',
        created: 0,
        owned_by: 'openclaw',
        permission: [],
      }));
      return sendJson(res, 200, { object: 'list', data });
    }
    if (path !== '/v1/chat/completions' || this.options.chatCompletionsEnabled === false) {
      return sendJson(res, 404, { error: { message: 'Not Found', type: 'not_found' } });
    }
    if (record.method !== 'POST') {
      return sendJson(res, 405, { error: { message: 'Method Not Allowed' } });
    }
    this.chat(record, res);
  }

  private chat(record: RecordedRequest, res: ServerResponse): void {
    const body = record.body as { model?: unknown; stream?: unknown; messages?: unknown } | null;
    if (typeof body?.model !== 'string' || !MODEL.test(body.model)) {
      // OpenClaw 2026.9.6 says "Invalid `model`. Use `openclaw` or `openclaw/<agentId>`.";
      // the older wording stays because tests match it.
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
      this.queued.shift() ??
      this.options.fault?.(record) ??
      (userText === null ? undefined : markerFault(userText)) ??
      this.limitFault();
    if (fault?.kind === 'status') return sendFault(res, fault);
    this.countInFlight(res);
    const sessionKey = sessionKeyOf(record.headers, body as { user?: unknown });
    const replyTo = this.options.reply ?? ((t: string) => `Echo: ${t}`);
    const answer = this.toolSessions.answer(sessionKey, userText, results, replyTo);
    const job = {
      res,
      model: body.model,
      stream: body.stream === true,
      sessionKey,
      text: userText ?? toolResultText(body.messages),
      receivedAt: record.receivedAt,
      thinkMs: thinkMarker(userText),
      answer,
      fault,
    };
    const behaviour = behaviourOf(this.options.openclaw);
    void runChat(job, {
      ...this.options,
      behaviour,
      book: this.book,
      closing: this.listener.closing,
    });
  }

  /** A request stops counting once its answer is written, as a provider sees it. */
  private countInFlight(res: ServerResponse): void {
    const { stats } = this;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    let counted = true;
    const done = () => {
      if (counted) stats.inFlight--;
      counted = false;
    };
    res.on('finish', done);
    res.on('close', done);
  }

  private limitFault(): Fault | undefined {
    const {
      maxConcurrent,
      perMinute,
      retryAfterSeconds,
      windowMs = 60_000,
    } = this.options.limits ?? {};
    const { starts } = this;
    const now = Date.now();
    while (starts.length > 0 && (starts[0] ?? now) <= now - windowMs) starts.shift();
    const over =
      (maxConcurrent !== undefined && this.stats.inFlight >= maxConcurrent) ||
      (perMinute !== undefined && starts.length >= perMinute);
    if (!over) {
      starts.push(now);
      return undefined;
    }
    this.stats.limited++;
    const headers: Record<string, string> =
      retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) };
    return { kind: 'status', status: 429, headers };
  }
}
