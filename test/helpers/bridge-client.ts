import WebSocket from 'ws';
import { BridgeServerMessageSchema } from '../../src/shared/bridge-protocol.ts';
import type { ApiMethod, ApiParams, ApiResult } from '../../src/shared/ipc-contract.ts';
import { ApiCallError, apiContract } from '../../src/shared/ipc-contract.ts';

/** A Node client of the headless WebSocket bridge, as the page would be: token and Origin. */
export interface BridgeClient {
  /** Resolves with the parsed result; rejects on a refusal or when the socket closes first. */
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>>;
  close(): void;
}

interface Pending {
  method: ApiMethod;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

/** Opens the bridge of a server from the URL it printed (`http://host:port/?token=…`). */
export function openBridge(serverUrl: string): Promise<BridgeClient> {
  const page = new URL(serverUrl);
  const token = page.searchParams.get('token') ?? '';
  const ws = new WebSocket(`ws://${page.host}/bridge?token=${encodeURIComponent(token)}`, {
    origin: page.origin,
  });
  const pending = new Map<number, Pending>();
  let nextId = 1;

  ws.on('message', (data) => settle(pending, data.toString()));
  // A killed server closes the socket mid-call: those calls were never acknowledged.
  ws.on('close', () => failAll(pending, new Error('bridge closed before the answer')));
  ws.on('error', () => undefined);

  const client: BridgeClient = {
    call(method, params) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        if (ws.readyState !== WebSocket.OPEN) return reject(new Error('bridge is not open'));
        pending.set(id, { method, resolve: resolve as (r: unknown) => void, reject });
        ws.send(JSON.stringify({ id, method, params }));
      });
    },
    close: () => ws.terminate(),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`bridge refused: HTTP ${res.statusCode}`)),
    );
    ws.once('error', reject);
  });
}

function settle(pending: Map<number, Pending>, raw: string): void {
  const message = BridgeServerMessageSchema.parse(JSON.parse(raw));
  if (message.kind === 'event' || message.id === null) return;
  const call = pending.get(message.id);
  if (!call) return;
  pending.delete(message.id);
  if (message.kind === 'error') return call.reject(new ApiCallError(message.error));
  // Parsed like the renderer would: a malformed answer is a test failure, not a cast.
  call.resolve(apiContract[call.method].result.parse(message.result));
}

function failAll(pending: Map<number, Pending>, error: Error): void {
  for (const call of pending.values()) call.reject(error);
  pending.clear();
}
