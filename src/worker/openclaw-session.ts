import { GatewayClient } from '@openclaw/gateway-client';
import { z } from 'zod';
import { errorCode } from '../shared/error-code.ts';
import type { GatewayConfig } from '../shared/worker-protocol.ts';

/**
 * OpenClaw's view of one session, read over its gateway WebSocket (protocol v4) with its own
 * reference client `@openclaw/gateway-client`: `chat.history` as an operator with the gateway
 * token (scope `operator.read`), which on loopback needs no device pairing. Only what turn
 * recovery reads is kept, parsed with zod: the gateway is input like any other.
 */

export interface TranscriptMessage {
  role: string;
  /** The text parts joined; '' for a message without text (a tool call). */
  text: string;
  timestamp: number | null;
  /** An assistant message's run (`chatcmpl_…` for a run started over HTTP). */
  runId: string | null;
  /** OpenClaw's own system turns ("your previous turn was interrupted…") say where from. */
  internal: boolean;
  stopReason: string | null;
}

export interface SessionSnapshot {
  messages: TranscriptMessage[];
  /** A run of this session goes on, or OpenClaw is about to re-run one cut by its restart. */
  running: boolean;
  activeRunIds: string[];
}

export interface SessionReader {
  history(sessionKey: string): Promise<SessionSnapshot>;
  close(): void;
}

/** Why a reader could not be had: the gateway is away, or it will not talk to us this way. */
export class SessionReaderError extends Error {
  readonly away: boolean;
  constructor(message: string, away: boolean) {
    super(message);
    this.name = 'SessionReaderError';
    this.away = away;
  }
}

const PartSchema = z.object({ type: z.string().optional(), text: z.string().optional() });
const MessageSchema = z.object({
  role: z.string(),
  content: z.union([z.string(), z.array(PartSchema)]).nullish(),
  timestamp: z.number().nullish(),
  stopReason: z.string().nullish(),
  provenance: z.object({ kind: z.string().optional() }).passthrough().nullish(),
  __openclaw: z
    .object({
      runId: z.string().nullish(),
      provenance: z.object({ kind: z.string().optional() }).passthrough().nullish(),
    })
    .passthrough()
    .nullish(),
});
const HistorySchema = z.object({
  messages: z.array(z.unknown()).default([]),
  sessionInfo: z
    .object({
      status: z.string().nullish(),
      hasActiveRun: z.boolean().nullish(),
      activeRunIds: z.array(z.string()).nullish(),
    })
    .passthrough()
    .nullish(),
  inFlightRun: z.unknown().optional(),
});

const CONNECT_TIMEOUT_MS = 10_000;
const HISTORY_LIMIT = 50;

/** Connects as an operator; rejects with a SessionReaderError when that cannot be done. */
export async function openSessionReader(gateway: GatewayConfig): Promise<SessionReader> {
  const client = await connect(gateway);
  return {
    async history(sessionKey) {
      const key = `agent:${gateway.agentId}:${sessionKey}`;
      const raw = await client.request('chat.history', { sessionKey: key, limit: HISTORY_LIMIT });
      return snapshotOf(raw);
    },
    close: () => client.stop(),
  };
}

function connect(gateway: GatewayConfig): Promise<GatewayClient> {
  return new Promise((resolve, reject) => {
    const fail = (message: string, away: boolean): void => {
      clearTimeout(timer);
      client.stop();
      reject(new SessionReaderError(message, away));
    };
    const timer = setTimeout(
      () => fail('the gateway WebSocket did not answer in time', false),
      CONNECT_TIMEOUT_MS,
    );
    const client: GatewayClient = new GatewayClient({
      url: webSocketUrl(gateway.url),
      ...(gateway.token ? { token: gateway.token } : {}),
      minProtocol: 4,
      maxProtocol: 4,
      role: 'operator',
      scopes: ['operator.read'],
      clientDisplayName: 'ClawDesk',
      onHelloOk: () => {
        clearTimeout(timer);
        resolve(client);
      },
      // Its own reconnect loop is not wanted: one answer, then the caller decides. Only a
      // gateway nobody answers for is away; one that answers otherwise (no WebSocket, a
      // refused upgrade) is a gateway we cannot ask.
      onConnectError: (err) => fail(`gateway WebSocket: ${err.message}`, isAway(err)),
    });
    client.start();
  });
}

const AWAY = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function isAway(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && AWAY.has(code);
}

/** http(s)://host:port/path → ws(s)://host:port (the gateway serves both on one port). */
export function webSocketUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol === 'https:' ? 'wss:' : 'ws:'}//${u.host}`;
}

export function snapshotOf(raw: unknown): SessionSnapshot {
  const history = HistorySchema.parse(raw);
  const info = history.sessionInfo;
  const messages: TranscriptMessage[] = [];
  for (const item of history.messages) {
    const parsed = MessageSchema.safeParse(item);
    if (parsed.success) messages.push(messageOf(parsed.data));
  }
  const activeRunIds = info?.activeRunIds ?? [];
  const running =
    info?.status === 'running' ||
    info?.hasActiveRun === true ||
    activeRunIds.length > 0 ||
    (history.inFlightRun !== undefined && history.inFlightRun !== null);
  return { messages, running, activeRunIds };
}

function messageOf(m: z.infer<typeof MessageSchema>): TranscriptMessage {
  const text =
    typeof m.content === 'string'
      ? m.content
      : (m.content ?? [])
          .map((p) => (p.type === undefined || p.type === 'text' ? (p.text ?? '') : ''))
          .join('');
  const provenance = m.provenance ?? m.__openclaw?.provenance;
  return {
    role: m.role,
    text,
    timestamp: m.timestamp ?? null,
    runId: m.__openclaw?.runId ?? null,
    internal: provenance?.kind === 'internal_system',
    stopReason: m.stopReason ?? null,
  };
}
