import WebSocket from 'ws';
import type { BridgeServerMessage } from '../../src/shared/bridge-protocol.ts';
import { BridgeServerMessageSchema } from '../../src/shared/bridge-protocol.ts';
import type { TaskEvent } from '../../src/shared/ipc-contract.ts';

/**
 * A bridge client that sends any frame, well-formed or not, and keeps every frame the server
 * sent: what a page would have received, for the fuzz and the secret-leak tests. Unlike
 * bridge-client.ts it does not parse results against the contract, so a refusal is a value.
 */
export interface RawBridge {
  /** Every text frame received, in order, exactly as sent by the server. */
  readonly received: string[];
  /** Sends one frame and resolves with the next reply (result or error) the server sends. */
  request(frame: string | Buffer): Promise<BridgeServerMessage>;
  /** `request` with a well-formed envelope and a fresh id. */
  call(method: string, params: unknown): Promise<BridgeServerMessage>;
  /** Resolves with the first event, past or future, that matches. */
  waitForEvent(match: (event: TaskEvent) => boolean, what: string): Promise<TaskEvent>;
  readonly isOpen: boolean;
  close(): void;
}

const EVENT_TIMEOUT_MS = 20_000;

/** Opens the bridge of a server from the URL it printed (`http://host:port/?token=…`). */
export function openRawBridge(serverUrl: string): Promise<RawBridge> {
  const page = new URL(serverUrl);
  const token = page.searchParams.get('token') ?? '';
  const ws = new WebSocket(`ws://${page.host}/bridge?token=${encodeURIComponent(token)}`, {
    origin: page.origin,
  });
  const received: string[] = [];
  const events: TaskEvent[] = [];
  const replyWaiters: { resolve: (m: BridgeServerMessage) => void; reject: (e: Error) => void }[] =
    [];
  const eventWaiters = new Set<(event: TaskEvent) => void>();
  let nextId = 1;

  ws.on('message', (data) => {
    const raw = data.toString();
    received.push(raw);
    // The server's own outgoing schema: a frame that breaks it fails the request it answers.
    const parsed = BridgeServerMessageSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) {
      replyWaiters.shift()?.reject(new Error(`frame breaks the bridge protocol: ${raw}`));
      return;
    }
    const message = parsed.data;
    if (message.kind === 'event') {
      events.push(message.event);
      for (const waiter of [...eventWaiters]) waiter(message.event);
      return;
    }
    replyWaiters.shift()?.resolve(message);
  });
  ws.on('close', () => {
    for (const waiter of replyWaiters.splice(0)) {
      waiter.reject(new Error('bridge closed before the answer'));
    }
  });
  ws.on('error', () => undefined);

  const bridge: RawBridge = {
    received,
    request(frame) {
      return new Promise((resolve, reject) => {
        if (ws.readyState !== WebSocket.OPEN) return reject(new Error('bridge is not open'));
        // Replies come in request order because the tests send one frame at a time.
        replyWaiters.push({ resolve, reject });
        ws.send(frame, { binary: typeof frame !== 'string' });
      });
    },
    call(method, params) {
      return bridge.request(JSON.stringify({ id: nextId++, method, params }));
    },
    waitForEvent(match, what) {
      const past = events.find(match);
      if (past) return Promise.resolve(past);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          eventWaiters.delete(waiter);
          reject(new Error(`no event "${what}" within ${EVENT_TIMEOUT_MS} ms`));
        }, EVENT_TIMEOUT_MS);
        const waiter = (event: TaskEvent): void => {
          if (!match(event)) return;
          clearTimeout(timer);
          eventWaiters.delete(waiter);
          resolve(event);
        };
        eventWaiters.add(waiter);
      });
    },
    get isOpen() {
      return ws.readyState === WebSocket.OPEN;
    },
    close: () => ws.terminate(),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(bridge));
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`bridge refused: HTTP ${res.statusCode}`)),
    );
    ws.once('error', reject);
  });
}

/** The result of a reply that must have succeeded; a refusal fails with its message. */
export function resultOf(message: BridgeServerMessage): unknown {
  if (message.kind !== 'result')
    throw new Error(`expected a result, got ${JSON.stringify(message)}`);
  return message.result;
}
