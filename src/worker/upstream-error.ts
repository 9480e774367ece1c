import type { ErrorCode, TaskError } from '../shared/task.ts';

export interface UpstreamErrorInit {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  status?: number | null;
  /** From Retry-After / retry-after-ms on a 429, so the limiter can pause until then. */
  retryAfterMs?: number | null;
  /**
   * The gateway is away or went away under the run (refused, reset, DNS, 502/503/504, OpenClaw
   * restarting): the task waits for it without spending an attempt (issue 12).
   */
  outage?: boolean;
  /** A rate limit of the model provider that OpenClaw reports after its own retries. */
  provider?: boolean;
  cause?: unknown;
}

/** The only error `streamChat` rejects with: a user-facing message plus what main needs to act. */
export class UpstreamError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly status: number | null;
  readonly retryAfterMs: number | null;
  readonly outage: boolean;
  readonly provider: boolean;

  constructor(init: UpstreamErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'UpstreamError';
    this.code = init.code;
    this.retryable = init.retryable;
    this.status = init.status ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.outage = init.outage ?? false;
    this.provider = init.provider ?? false;
  }

  toTaskError(): TaskError {
    return { code: this.code, message: this.message };
  }
}

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `retry-after-ms` (OpenAI style, more precise) wins over `Retry-After` (seconds or HTTP date). */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | null {
  const ms = header(headers, 'retry-after-ms')?.trim();
  if (ms && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Math.ceil(Number(ms));
  const raw = header(headers, 'retry-after')?.trim();
  if (!raw) return null;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.ceil(Number(raw) * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** The gateway's own words from an error body: OpenAI `{error:{message}}`, `{error:"…"}`, or text. */
export function gatewayMessage(bodyText: string): string {
  const text = bodyText.trim();
  try {
    const body: unknown = JSON.parse(text);
    if (body && typeof body === 'object') {
      const { error, message } = body as { error?: unknown; message?: unknown };
      if (typeof error === 'string') return error;
      if (error && typeof error === 'object') {
        const inner = error as { message?: unknown; type?: unknown };
        if (typeof inner.message === 'string') return inner.message;
        if (typeof inner.type === 'string') return inner.type;
      }
      if (typeof message === 'string') return message;
    }
  } catch {
    // Not JSON: a proxy page or plain text; use it as it is.
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`;
  return `${Number((ms / 60_000).toFixed(1))} min`;
}

function withGatewayWords(summary: string, words: string): string {
  return words ? `${summary}: ${words}` : summary;
}

/**
 * A 429. OpenClaw answers one without Retry-After once its own retries of the provider's 429s
 * (minutes of them) ran out: that is the provider's limit, not a gateway's slot.
 */
function rateLimitError(headers: Headers, words: string): UpstreamError {
  const retryAfterMs = parseRetryAfter(headers);
  const when =
    retryAfterMs === null ? 'no Retry-After given' : `retry after ${formatDuration(retryAfterMs)}`;
  return new UpstreamError({
    code: 'rate_limited',
    message: `${withGatewayWords('gateway rate limit reached (HTTP 429)', words)} (${when})`,
    retryable: true,
    status: 429,
    retryAfterMs,
    provider: retryAfterMs === null,
  });
}

/** Maps a non-200 answer of the gateway to what the user can do about it. */
export function httpStatusError(status: number, headers: Headers, bodyText: string): UpstreamError {
  const words = gatewayMessage(bodyText);
  if (status === 401 || status === 403) {
    return new UpstreamError({
      code: 'unauthorized',
      message: withGatewayWords(
        `gateway rejected the token (HTTP ${status}); check the gateway token (CLAWDESK_GATEWAY_TOKEN, from gateway.auth.token in OpenClaw's config)`,
        words,
      ),
      retryable: false,
      status,
    });
  }
  if (status === 429) return rateLimitError(headers, words);
  if (status >= 500) {
    // 502/503/504 say the gateway (or a proxy in front of it) cannot serve anyone right now —
    // OpenClaw answers 503 while it stops or starts; 500 says this request failed.
    const outage = status === 502 || status === 503 || status === 504;
    return new UpstreamError({
      code: outage ? 'gateway_unreachable' : 'upstream_error',
      message: withGatewayWords(`gateway error (HTTP ${status})`, words),
      retryable: true,
      status,
      outage,
    });
  }
  if (status === 404) {
    return new UpstreamError({
      code: 'bad_response',
      message:
        'gateway has no /v1/chat/completions (HTTP 404): enable ' +
        'gateway.http.endpoints.chatCompletions.enabled in OpenClaw',
      retryable: false,
      status,
    });
  }
  return new UpstreamError({
    code: 'bad_response',
    message: withGatewayWords(`gateway refused the request (HTTP ${status})`, words),
    retryable: false,
    status,
  });
}

/** OpenClaw's words while it stops or starts ("temporarily unavailable while … restarting"). */
const RESTARTING = /restart|shutting down|temporarily unavailable|suspend/i;

/** An `{"error":{…}}` chunk inside a 200 stream: the run failed after the gateway accepted it. */
export function streamedError(error: unknown): UpstreamError {
  const words = typeof error === 'string' ? error : gatewayMessage(JSON.stringify({ error }));
  const kind = JSON.stringify(error ?? '').toLowerCase();
  if (kind.includes('rate_limit')) {
    return new UpstreamError({
      code: 'rate_limited',
      message: `rate-limited by the model provider (OpenClaw retried before giving up): ${words}`,
      retryable: true,
      status: 200,
      provider: true,
    });
  }
  if (RESTARTING.test(words)) {
    return new UpstreamError({
      code: 'gateway_unreachable',
      message: `the gateway stopped the run while restarting: ${words}`,
      retryable: true,
      status: 200,
      outage: true,
    });
  }
  // OpenClaw's agent runs have their own timeout; say so, since raising ours will not help.
  const hint = /time(d)?[ -]?out/i.test(words)
    ? ' (OpenClaw ended the run; see agents.defaults.timeoutSeconds)'
    : '';
  return new UpstreamError({
    code: 'upstream_error',
    message: `gateway reported an error mid-stream: ${words}${hint}`,
    retryable: true,
    status: 200,
  });
}
