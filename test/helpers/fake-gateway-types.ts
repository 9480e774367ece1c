/** The fake gateway's public types (see fake-gateway.ts for what they mean). */
import type { IncomingHttpHeaders } from 'node:http';
import type { Behaviour } from './fake-gateway-chat.ts';
import type { RestartOptions } from './fake-gateway-lifecycle.ts';
import type { RecoveryTiming, SessionBook } from './fake-gateway-sessions.ts';
import type { Fault } from './fake-gateway-stream.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or the raw text when it is not JSON. */
  body: unknown;
  /** Epoch ms the whole request had arrived. */
  receivedAt: number;
}

export interface OpenClawBehaviour extends Behaviour {
  /** After a restart that cut a running turn, answer it by itself (default true). */
  recovery: boolean;
  recoveryTiming: RecoveryTiming;
}

export interface FakeGatewayOptions {
  /** Default: a random token. */
  token?: string;
  /** Default: any free port. */
  port?: number;
  /** The agents `GET /v1/models` lists (as `openclaw/<id>`). Default: `main`. */
  agents?: string[];
  /** The assistant's answer for a user message. Default: `Echo: <text>`. */
  reply?: (userText: string) => string;
  /** Before the first chunk (the model "thinking"). Default 0. */
  firstChunkDelayMs?: number;
  /** Between chunks. Default 1. */
  chunkDelayMs?: number;
  /** false: answer 404 on /v1/chat/completions, as OpenClaw does while it is disabled. */
  chatCompletionsEnabled?: boolean;
  fault?: (request: RecordedRequest) => Fault | undefined;
  /** Provider-like limits: beyond them the gateway answers 429 rate_limit_error. */
  limits?: {
    maxConcurrent?: number;
    perMinute?: number;
    retryAfterSeconds?: number;
    /** The rolling window of `perMinute`; shorter windows compress time in tests. */
    windowMs?: number;
  };
  /** The real gateway's session behaviour (see the header); true = all of it. */
  openclaw?: boolean | Partial<OpenClawBehaviour>;
  /**
   * Channels (Telegram, Discord…) OpenClaw finds unhealthy: its `/readyz` then answers 503
   * `{"ready":false}` for good, while chat and `/startupz` work.
   */
  failingChannels?: string[];
}

export interface FakeGateway {
  readonly url: string;
  /** The gateway WebSocket, `ws://127.0.0.1:<port>`. */
  readonly wsUrl: string;
  readonly port: number;
  readonly token: string;
  /** Every request, in arrival order, whatever its answer (health checks apart). */
  readonly requests: RecordedRequest[];
  /** GET /health, /readyz and /startupz answered (not in `requests`): how many, and when. */
  readonly healthChecks: { count: number; at: number[] };
  /** Chat completion requests being answered right now, and the most seen at once. */
  readonly stats: { inFlight: number; maxInFlight: number; limited: number };
  chatRequests(): RecordedRequest[];
  failNext(...faults: Fault[]): void;
  /** Change options for the requests that follow (delays, reply, hook, limits…). */
  configure(options: Partial<FakeGatewayOptions>): void;
  /** `chat.history` of a session key (`agent:main:<header>`), as the WebSocket answers it. */
  history(sessionKey: string, limit?: number): ReturnType<SessionBook['history']>;
  /** kill -9: every connection dropped, running turns cut, the port refuses connections. */
  crash(): Promise<void>;
  /** SIGTERM: 503 gateway_unavailable to new work until running turns end, then closed. */
  stopGracefully(timeoutMs?: number): Promise<void>;
  /** Listens again on the same port (503 for `startingMs` first), then runs recoveries. */
  start(options?: { startingMs?: number }): Promise<void>;
  /** crash() (or stopGracefully()), `downMs` refused, then start(). */
  restart(options?: RestartOptions): Promise<void>;
  close(): Promise<void>;
}
