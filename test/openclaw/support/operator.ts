/**
 * OpenClaw's gateway WebSocket as ClawDesk's worker will use it: `@openclaw/gateway-client`
 * as an `operator` with the gateway token, protocol 4, scope `operator.read`, and
 * `chat.history` to read a session's transcript. Works against the real gateway and the fake.
 */
import { GatewayClient } from '@openclaw/gateway-client';

export interface OperatorConnection {
  readonly hello: Record<string, unknown>;
  request<T = Record<string, unknown>>(method: string, params: unknown): Promise<T>;
  /** `chat.history` of the session that `x-openclaw-session-key: <header>` names. */
  history(header: string, limit?: number): Promise<ChatHistory>;
  close(): Promise<void>;
}

export interface HistoryMessage {
  role: string;
  content: unknown;
  timestamp?: number;
  idempotencyKey?: string;
  stopReason?: string;
  provenance?: Record<string, unknown>;
  __openclaw?: { runId?: string; seq?: number; [key: string]: unknown };
  [key: string]: unknown;
}

export interface ChatHistory {
  sessionKey: string;
  sessionId?: string;
  messages: HistoryMessage[];
  pendingInputs?: { items: unknown[]; total: number };
  inFlightRun?: Record<string, unknown>;
  sessionInfo: {
    status?: string;
    abortedLastRun?: boolean;
    hasActiveRun: boolean;
    activeRunIds: string[];
    lastRunId?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** The session key OpenClaw's agent `main` gives an HTTP `x-openclaw-session-key` header. */
export const sessionKeyOf = (header: string, agentId = 'main'): string =>
  `agent:${agentId}:${header}`;

export interface ConnectError extends Error {
  code?: string;
  details?: { code?: string; [key: string]: unknown };
}

/**
 * Connects once. Rejects with the first connect error (a refused connection, a wrong token:
 * `details.code === 'AUTH_TOKEN_MISMATCH'`) after stopping the client, which would otherwise
 * reconnect by itself every 1-30 s.
 */
export function connectOperator(
  wsUrl: string,
  token: string,
  scopes: string[] = ['operator.read'],
): Promise<OperatorConnection> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const client: GatewayClient = new GatewayClient({
      url: wsUrl,
      token,
      minProtocol: 4,
      maxProtocol: 4,
      role: 'operator',
      scopes,
      onHelloOk: (hello: unknown) => {
        if (settled) return;
        settled = true;
        resolve(connection(client, hello as Record<string, unknown>));
      },
      onConnectError: (error: Error) => {
        if (settled) return;
        settled = true;
        client.stop();
        reject(error);
      },
    });
    client.start();
  });
}

function connection(client: GatewayClient, hello: Record<string, unknown>): OperatorConnection {
  const request = <T>(method: string, params: unknown): Promise<T> =>
    client.request(method, params) as Promise<T>;
  return {
    hello,
    request,
    history: (header, limit = 50) =>
      request<ChatHistory>('chat.history', { sessionKey: sessionKeyOf(header), limit }),
    close: () => client.stopAndWait({ timeoutMs: 2_000 }).catch(() => undefined),
  };
}

/** One connection for one `chat.history` call. */
export async function readHistory(
  gateway: { wsUrl: string; token: string },
  header: string,
  limit?: number,
): Promise<ChatHistory> {
  const operator = await connectOperator(gateway.wsUrl, gateway.token);
  try {
    return await operator.history(header, limit);
  } finally {
    await operator.close();
  }
}

/** The text of a transcript message (a string, or the joined text parts). */
export function messageText(message: HistoryMessage): string {
  if (typeof message.content === 'string') return message.content;
  if (!Array.isArray(message.content)) return '';
  return message.content
    .map((part: { type?: unknown; text?: unknown }) =>
      part?.type === 'text' && typeof part.text === 'string' ? part.text : '',
    )
    .join('');
}
