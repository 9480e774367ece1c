import type { CallOutcome } from '../shared/worker-protocol.ts';
import type { UpstreamError } from './upstream-error.ts';

/** What an upstream failure tells main's limiter and breaker about the gateway's health. */
export function callOutcomeOf(error: UpstreamError): CallOutcome {
  if (error.outage) return { kind: 'unavailable', reason: error.message };
  switch (error.code) {
    case 'rate_limited':
      return error.provider
        ? { kind: 'rate_limited', retryAfterMs: error.retryAfterMs, provider: true }
        : { kind: 'rate_limited', retryAfterMs: error.retryAfterMs };
    case 'unauthorized':
      return { kind: 'auth_error' };
    case 'aborted':
    case 'internal':
      return { kind: 'aborted' };
    case 'gateway_unreachable':
    case 'stream_error':
    case 'stall_timeout':
    case 'timeout':
      return { kind: 'network_error' };
    case 'bad_response':
      // A 4xx is our request's fault; a broken 200 stream is the gateway's.
      return error.status !== null && error.status >= 400 && error.status < 500
        ? { kind: 'client_error' }
        : { kind: 'server_error' };
    default:
      return { kind: 'server_error' };
  }
}
