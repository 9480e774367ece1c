import type { z } from 'zod';
import { BridgeServerMessageSchema } from '../../../shared/bridge-protocol.ts';
import {
  ApiCallError,
  apiContract,
  type ApiMethod,
  type ApiParams,
  type ApiResult,
  type TaskEvent,
} from '../../../shared/ipc-contract.ts';
import type { ConnectionStatus, RendererApi } from './types.ts';

interface Pending {
  method: ApiMethod;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

export interface BridgeClientOptions {
  /** Reconnect delays grow from `minDelayMs` to `maxDelayMs`, with jitter. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

/** Failed attempts in a row after which the user is told more than "reconnecting". */
const UNREACHABLE_AFTER = 3;

const failure = (message: string): ApiCallError => new ApiCallError({ code: 'internal', message });

/**
 * `ClawDeskApi` over the headless server's WebSocket bridge. Every server message is parsed
 * with the shared schemas; a dropped socket is reopened with backoff, and listeners of
 * `onResync` are told to reload state because events sent meanwhile are gone.
 */
export class BridgeClient implements RendererApi {
  readonly #url: string;
  readonly #minDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #pending = new Map<number, Pending>();
  readonly #eventListeners = new Set<(event: TaskEvent) => void>();
  readonly #statusListeners = new Set<(status: ConnectionStatus) => void>();
  readonly #resyncListeners = new Set<() => void>();
  /** Requests made before the first connection; sent once it opens (the initial load). */
  #waiting: Array<() => void> = [];
  #socket: WebSocket | null = null;
  #status: ConnectionStatus = 'connecting';
  #everOpened = false;
  #failures = 0;
  #nextId = 1;

  constructor(url: string, options: BridgeClientOptions = {}) {
    this.#url = url;
    this.#minDelayMs = options.minDelayMs ?? 250;
    this.#maxDelayMs = options.maxDelayMs ?? 5_000;
    this.#connect();
  }

  invoke<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
    // Refuse malformed params here: the user gets the reason without a round trip.
    const checked = (apiContract[method].params as z.ZodType).safeParse(params);
    if (!checked.success) {
      const message = checked.error.issues[0]?.message ?? 'invalid parameters';
      return Promise.reject(new ApiCallError({ code: 'invalid_params', message }));
    }
    return new Promise<ApiResult<M>>((resolve, reject) => {
      const send = (): void => {
        const socket = this.#socket;
        if (this.#status !== 'online' || !socket) {
          reject(failure('Not connected to ClawDesk (reconnecting); try again in a moment.'));
          return;
        }
        const id = this.#nextId++;
        this.#pending.set(id, { method, resolve: resolve as (r: unknown) => void, reject });
        socket.send(JSON.stringify({ id, method, params }));
      };
      if (this.#everOpened) send();
      else this.#waiting.push(send);
    });
  }

  onEvent(listener: (event: TaskEvent) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.#statusListeners.add(listener);
    listener(this.#status);
    return () => this.#statusListeners.delete(listener);
  }

  onResync(listener: () => void): () => void {
    this.#resyncListeners.add(listener);
    return () => this.#resyncListeners.delete(listener);
  }

  #connect(): void {
    const socket = new WebSocket(this.#url);
    this.#socket = socket;
    socket.addEventListener('open', () => this.#opened());
    socket.addEventListener('message', (message) => this.#received(message.data));
    // 'error' is always followed by 'close', which does the work.
    socket.addEventListener('close', () => this.#closed(socket));
  }

  #opened(): void {
    const reconnected = this.#everOpened;
    this.#everOpened = true;
    this.#failures = 0;
    this.#setStatus('online');
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const send of waiting) send();
    if (reconnected) for (const listener of this.#resyncListeners) listener();
  }

  #closed(socket: WebSocket): void {
    if (this.#socket !== socket) return;
    this.#socket = null;
    // The reply to an in-flight request is lost with the socket; whether a send was accepted
    // shows up in the history the resync reloads.
    for (const pending of this.#pending.values()) {
      pending.reject(failure('Connection to ClawDesk lost before it answered.'));
    }
    this.#pending.clear();
    this.#failures += 1;
    if (this.#failures >= UNREACHABLE_AFTER) this.#setStatus('unreachable');
    else if (this.#everOpened) this.#setStatus('offline');
    const ceiling = Math.min(this.#maxDelayMs, this.#minDelayMs * 2 ** (this.#failures - 1));
    // Jitter so several tabs do not reconnect in lockstep after a server restart.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    setTimeout(() => this.#connect(), delay);
  }

  #received(data: unknown): void {
    let json: unknown;
    try {
      json = JSON.parse(typeof data === 'string' ? data : '');
    } catch {
      console.warn('ClawDesk bridge: message is not JSON');
      return;
    }
    const parsed = BridgeServerMessageSchema.safeParse(json);
    if (!parsed.success) {
      console.warn('ClawDesk bridge: unexpected message', parsed.error.issues);
      return;
    }
    const message = parsed.data;
    if (message.kind === 'event') {
      for (const listener of this.#eventListeners) listener(message.event);
      return;
    }
    const pending = message.id === null ? undefined : this.#pending.get(message.id);
    if (!pending || message.id === null) {
      if (message.kind === 'error') console.warn('ClawDesk bridge error:', message.error.message);
      return;
    }
    this.#pending.delete(message.id);
    if (message.kind === 'error') {
      pending.reject(new ApiCallError(message.error));
      return;
    }
    const result = (apiContract[pending.method].result as z.ZodType).safeParse(message.result);
    if (result.success) pending.resolve(result.data);
    else pending.reject(failure(`ClawDesk sent an unexpected answer to ${pending.method}.`));
  }

  #setStatus(status: ConnectionStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    for (const listener of this.#statusListeners) listener(status);
  }
}
