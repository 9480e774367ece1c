/**
 * The fake gateway's WebSocket, on the same port as its HTTP API, speaking enough of OpenClaw's
 * gateway protocol (v4) for `@openclaw/gateway-client` to connect as an operator and read
 * transcripts, with the frames measured on openclaw 2026.9.6:
 *
 *   server → {type:'event', event:'connect.challenge', payload:{nonce, ts}}
 *   client → {type:'req', id, method:'connect', params:{minProtocol, maxProtocol, auth:{token}, role, scopes, client}}
 *   server → {type:'res', id, ok:true, payload:{type:'hello-ok', protocol:4, server, features, auth, policy}}
 *            or ok:false with error {code:'INVALID_REQUEST', details:{code:'AUTH_TOKEN_MISMATCH'}}
 *   client → {type:'req', id, method:'chat.history', params:{sessionKey, limit}} → res with the transcript
 *
 * `tick` events keep the client's liveness watch happy. Methods other than chat.history,
 * sessions.list and health answer INVALID_REQUEST "unknown method". While the gateway drains:
 * upgrade refused with 503 "Gateway websocket admission closed", requests answer
 * {code:'UNAVAILABLE', message:'<method> unavailable during gateway restart',
 * details:{method, reason:'gateway-restarting', phase:'accepting'}}.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export interface OperatorSide {
  token: string;
  /** chat.history payload for a session key. */
  history(sessionKey: string, limit: number | undefined): object;
  sessionKeys(): string[];
  /**
   * While the gateway drains or starts: upgrades are refused with 503, and requests on open
   * connections answer UNAVAILABLE `gateway-restarting`, as OpenClaw does.
   */
  unavailable(): boolean;
}

const PROTOCOL = 4;
const TICK_MS = 30_000;
const METHODS = ['health', 'chat.history', 'sessions.list'];
const READ_SCOPES = ['operator.read', 'operator.write', 'operator.admin'];

export function attachOperatorSocket(server: Server, side: OperatorSide): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 26_214_400 });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (side.unavailable()) {
      const body = 'Gateway websocket admission closed';
      socket.end(
        `HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n` +
          `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, side));
  });
  return wss;
}

type Frame = { type?: unknown; id?: unknown; method?: unknown; params?: Record<string, unknown> };

function serve(ws: WebSocket, side: OperatorSide): void {
  const send = (frame: object): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  let hello: { scopes: string[] } | undefined;
  send({
    type: 'event',
    event: 'connect.challenge',
    payload: { nonce: randomUUID(), ts: Date.now(), capabilities: [] },
  });
  const tick = setInterval(
    () => send({ type: 'event', event: 'tick', payload: { ts: Date.now() } }),
    TICK_MS,
  );
  tick.unref();
  ws.on('close', () => clearInterval(tick));
  ws.on('message', (data) => {
    const frame = parseFrame(String(data));
    if (frame?.type !== 'req' || typeof frame.id !== 'string') return;
    const id = frame.id;
    const reply = (result: Result): void => send({ type: 'res', id, ...result });
    if (frame.method === 'connect') {
      const outcome = connect(frame.params ?? {}, side.token);
      reply(outcome.result);
      if (outcome.scopes) hello = { scopes: outcome.scopes };
      else setTimeout(() => ws.close(1008, 'connect failed'), 50).unref();
      return;
    }
    if (!hello) {
      return reply(failure('INVALID_REQUEST', 'invalid handshake: first request must be connect'));
    }
    const method = String(frame.method);
    if (side.unavailable()) {
      const details = { method, reason: 'gateway-restarting', phase: 'accepting' };
      return reply(failure('UNAVAILABLE', `${method} unavailable during gateway restart`, details));
    }
    reply(request(method, frame.params ?? {}, hello.scopes, side));
  });
}

type Result = { ok: true; payload: object } | { ok: false; error: object };

function failure(code: string, message: string, details?: object): Result {
  return { ok: false, error: { code, message, ...(details ? { details } : {}) } };
}

function connect(
  params: Record<string, unknown>,
  token: string,
): { result: Result; scopes?: string[] } {
  const min = Number(params.minProtocol ?? PROTOCOL);
  const max = Number(params.maxProtocol ?? PROTOCOL);
  if (!(min <= PROTOCOL && PROTOCOL <= max)) {
    const details = { code: 'PROTOCOL_MISMATCH', expectedProtocol: PROTOCOL };
    return { result: failure('INVALID_REQUEST', 'protocol mismatch', details) };
  }
  const given = (params.auth as { token?: unknown } | undefined)?.token;
  if (typeof given !== 'string' || given === '') {
    const details = {
      code: 'AUTH_TOKEN_MISSING',
      authReason: 'token_missing',
      canRetryWithDeviceToken: false,
    };
    return {
      result: failure(
        'INVALID_REQUEST',
        'unauthorized: gateway token missing (provide gateway auth token)',
        details,
      ),
    };
  }
  if (given !== token) {
    const details = {
      code: 'AUTH_TOKEN_MISMATCH',
      authReason: 'token_mismatch',
      canRetryWithDeviceToken: false,
      recommendedNextStep: 'update_auth_credentials',
    };
    const message = 'unauthorized: gateway token mismatch (provide gateway auth token)';
    return { result: failure('INVALID_REQUEST', message, details) };
  }
  const role = typeof params.role === 'string' ? params.role : 'operator';
  const scopes = Array.isArray(params.scopes) ? params.scopes.map(String) : ['operator.admin'];
  return { result: { ok: true, payload: helloOk(role, scopes) }, scopes };
}

function helloOk(role: string, scopes: string[]): object {
  return {
    type: 'hello-ok',
    protocol: PROTOCOL,
    server: { version: '2026.9.6', connId: randomUUID() },
    features: {
      methods: METHODS,
      events: ['connect.challenge', 'tick', 'health', 'chat', 'agent'],
    },
    snapshot: { suspension: { phase: 'accepting' } },
    auth: { method: 'token', role, scopes },
    policy: { maxPayload: 26_214_400, maxBufferedBytes: 52_428_800, tickIntervalMs: TICK_MS },
  };
}

function request(
  method: string,
  params: Record<string, unknown>,
  scopes: string[],
  side: OperatorSide,
): Result {
  if (!METHODS.includes(method)) return failure('INVALID_REQUEST', `unknown method: ${method}`);
  if (!scopes.some((s) => READ_SCOPES.includes(s))) {
    return failure('INVALID_REQUEST', 'missing scope: operator.read');
  }
  if (method === 'health') return { ok: true, payload: { ok: true, ts: Date.now() } };
  if (method === 'sessions.list') {
    return { ok: true, payload: { sessions: side.sessionKeys().map((key) => ({ key })) } };
  }
  const key = params.sessionKey;
  if (typeof key !== 'string' || !key) {
    return failure('INVALID_REQUEST', 'invalid chat.history params: sessionKey required');
  }
  const limit = typeof params.limit === 'number' ? params.limit : undefined;
  return { ok: true, payload: side.history(key, limit) };
}

function parseFrame(text: string): Frame | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Frame) : undefined;
  } catch {
    return undefined;
  }
}
