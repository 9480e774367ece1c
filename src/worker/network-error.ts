import { errorCode } from '../shared/error-code.ts';
import { UpstreamError, formatDuration } from './upstream-error.ts';

export { errorCode };

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const BEFORE_ANSWER: Record<string, (origin: string, host: string) => string> = {
  ECONNREFUSED: (origin) => `connection refused at ${origin} (is the OpenClaw gateway running?)`,
  ENOTFOUND: (_origin, host) => `gateway host not found: ${host}`,
  EAI_AGAIN: (_origin, host) => `could not resolve the gateway host ${host} (DNS)`,
  EHOSTUNREACH: (origin) => `gateway host unreachable: ${origin}`,
  ENETUNREACH: (origin) => `network unreachable for ${origin}`,
  ETIMEDOUT: (origin) => `connection to ${origin} timed out`,
  UND_ERR_CONNECT_TIMEOUT: (origin) => `connection to ${origin} timed out`,
  ECONNRESET: (origin) => `connection to ${origin} was reset before the gateway answered`,
  UND_ERR_SOCKET: (origin) => `connection to ${origin} closed before the gateway answered`,
};

/**
 * A failure of the HTTP exchange itself. `afterHeaders` tells a broken stream (the run may have
 * half-happened) from a gateway we never reached.
 */
export function networkError(
  err: unknown,
  origin: string,
  afterHeaders: boolean,
  timeouts: { headersMs: number; stallMs: number },
): UpstreamError {
  const code = errorCode(err);
  if (code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new UpstreamError({
      code: 'stall_timeout',
      message: `the gateway did not answer within ${formatDuration(timeouts.headersMs)} (headers timeout)`,
      retryable: true,
      cause: err,
    });
  }
  if (code === 'UND_ERR_BODY_TIMEOUT') {
    return stallError(timeouts.stallMs, err);
  }
  if (code === 'UND_ERR_INVALID_ARG') {
    // e.g. a pasted token with a newline in it; undici's message names the header, not its value.
    return new UpstreamError({
      code: 'internal',
      message: `could not build the request: ${describe(err)}`,
      retryable: false,
      cause: err,
    });
  }
  if (afterHeaders) {
    // The connection went down mid-answer: most often the gateway itself went away (it keeps
    // the turn and re-runs it after its restart). Waited out; the next run asks OpenClaw first.
    return new UpstreamError({
      code: 'stream_error',
      message: `the stream from ${origin} broke before [DONE] (${code ?? describe(err)})`,
      retryable: true,
      status: 200,
      outage: true,
      cause: err,
    });
  }
  const known = code === undefined ? undefined : BEFORE_ANSWER[code];
  const host = safeHost(origin);
  return new UpstreamError({
    code: 'gateway_unreachable',
    message: known
      ? known(origin, host)
      : `cannot reach the gateway at ${origin}: ${describe(err)}`,
    retryable: true,
    outage: true,
    cause: err,
  });
}

export function stallError(stallMs: number, cause?: unknown): UpstreamError {
  return new UpstreamError({
    code: 'stall_timeout',
    message: `no data from the gateway for ${formatDuration(stallMs)} (stall timeout)`,
    retryable: true,
    cause,
  });
}

function safeHost(origin: string): string {
  try {
    return new URL(origin).hostname;
  } catch {
    return origin;
  }
}
