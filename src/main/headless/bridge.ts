import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BridgeServerMessage } from '../../shared/bridge-protocol.ts';
import { BRIDGE_PATH, BridgeRequestSchema } from '../../shared/bridge-protocol.ts';
import type { ClawDeskCore } from '../core/core.ts';
import type { HostCheck, Refusal } from './request-guard.ts';
import { checkRequest, isRefusal, quote, rawRefusal } from './request-guard.ts';

export interface BridgeOptions {
  core: ClawDeskCore;
  token: string;
  /** Origins whose pages may open the socket (our own http://host:port). */
  allowedOrigins: () => readonly string[];
  /** Whether the request's Host is one of ours (request-guard.ts). */
  host: HostCheck;
  log: (line: string) => void;
}

/**
 * Largest frame a client may send. A message's 10 MB limit is checked in the core, where it is
 * refused with a sentence; the frame limit only has to let such a message reach it (10 M
 * characters of CJK text are 30 MB of UTF-8), or the page would just see its socket close.
 */
const MAX_PAYLOAD = 48 * 1024 * 1024;

/**
 * The headless face of the IPC contract: one WebSocket per page, authenticated by the token
 * in its URL (as Jupyter does) and by its Origin, carrying commands in and task events out.
 */
export function createBridge(options: BridgeOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD });

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Node hands the socket over without its own error listener: a client that resets it
    // before we answer would otherwise raise an uncaught 'error' and end the process.
    socket.on('error', () => socket.destroy());
    try {
      const refusal = checkUpgrade(req, options);
      if (refusal) {
        options.log(`bridge: refused a connection: ${refusal.reason}`);
        socket.end(rawRefusal(refusal));
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => serve(ws, options));
    } catch (err) {
      options.log(`bridge: an upgrade failed: ${err instanceof Error ? err.message : String(err)}`);
      socket.destroy();
    }
  }

  function close(): Promise<void> {
    for (const client of wss.clients) client.terminate();
    return new Promise((resolve) => wss.close(() => resolve()));
  }

  return { handleUpgrade, close };
}

/** Host, path, token, Origin, in that order: the first that fails is the answer. */
export function checkUpgrade(
  req: IncomingMessage,
  options: Pick<BridgeOptions, 'token' | 'allowedOrigins' | 'host'>,
): Refusal | undefined {
  const target = checkRequest(req, options.host);
  if (isRefusal(target)) return target;
  if (target.path !== BRIDGE_PATH) {
    return { status: 404, reason: `no bridge at ${quote(target.path)}` };
  }
  const token = target.query.get('token') ?? '';
  if (!sameSecret(token, options.token)) {
    return { status: 401, reason: token ? 'wrong token' : 'missing token' };
  }
  const origin = req.headers.origin;
  if (!origin || !options.allowedOrigins().includes(origin)) {
    // A page reached through a tunnel or proxy has another origin: say how to allow it.
    const hint =
      origin && origin !== 'null' ? ` (if that is you, start with --allow-origin ${origin})` : '';
    return { status: 403, reason: `foreign origin ${origin ?? '(none)'}${hint}` };
  }
  return undefined;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function serve(ws: WebSocket, { core, log }: BridgeOptions): void {
  const send = (message: BridgeServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const unsubscribe = core.onEvent((event) => send({ kind: 'event', event }));
  ws.on('close', unsubscribe);
  ws.on('error', (err) => log(`bridge: socket error: ${err.message}`));
  ws.on('message', (data, isBinary) => {
    void answer(isBinary ? null : data.toString(), core).then(send);
  });
}

/** One request in, one result or named error out; bad input never reaches the core. */
export async function answer(raw: string | null, core: ClawDeskCore): Promise<BridgeServerMessage> {
  let json: unknown;
  try {
    if (raw === null) throw new Error('binary frame');
    json = JSON.parse(raw);
  } catch {
    return {
      kind: 'error',
      id: null,
      error: { code: 'invalid_params', message: 'request is not a JSON text frame' },
    };
  }
  const request = BridgeRequestSchema.safeParse(json);
  if (!request.success) {
    // Echo the id only when it is one: a reply with id 1.5 would break the protocol itself.
    const given = BridgeRequestSchema.shape.id.safeParse((json as { id?: unknown } | null)?.id);
    const detail = request.error.issues
      .map((i) => `${i.path.length ? i.path.join('.') : 'request'}: ${i.message}`)
      .join('; ');
    const message = `request must be {id, method, params}: ${detail}`;
    return {
      kind: 'error',
      id: given.success ? given.data : null,
      error: { code: 'invalid_params', message },
    };
  }
  const { id, method, params } = request.data;
  const outcome = await core.dispatch(method, params);
  return outcome.ok
    ? { kind: 'result', id, result: outcome.result }
    : { kind: 'error', id, error: outcome.error };
}
