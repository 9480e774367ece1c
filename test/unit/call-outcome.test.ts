import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/shared/task.ts';
import { callOutcomeOf } from '../../src/worker/call-outcome.ts';
import { UpstreamError } from '../../src/worker/upstream-error.ts';

const error = (code: ErrorCode, extra: { status?: number | null; retryAfterMs?: number } = {}) =>
  new UpstreamError({ code, message: code, retryable: false, ...extra });

describe('callOutcomeOf', () => {
  it('passes a 429 on with its Retry-After so the limiter can pause everyone', () => {
    expect(callOutcomeOf(error('rate_limited', { status: 429, retryAfterMs: 1500 }))).toEqual({
      kind: 'rate_limited',
      retryAfterMs: 1500,
    });
    expect(callOutcomeOf(error('rate_limited', { status: 429 }))).toEqual({
      kind: 'rate_limited',
      retryAfterMs: null,
    });
  });

  it.each<[ErrorCode, string]>([
    ['unauthorized', 'auth_error'],
    ['aborted', 'aborted'],
    // Our own failure says nothing about the gateway's health.
    ['internal', 'aborted'],
    ['gateway_unreachable', 'network_error'],
    ['stream_error', 'network_error'],
    ['stall_timeout', 'network_error'],
    ['timeout', 'network_error'],
    ['upstream_error', 'server_error'],
  ])('%s counts as %s', (code, kind) => {
    expect(callOutcomeOf(error(code))).toEqual({ kind });
  });

  it('blames a 4xx bad response on the request and anything else on the gateway', () => {
    expect(callOutcomeOf(error('bad_response', { status: 400 }))).toEqual({ kind: 'client_error' });
    expect(callOutcomeOf(error('bad_response', { status: 499 }))).toEqual({ kind: 'client_error' });
    expect(callOutcomeOf(error('bad_response', { status: 500 }))).toEqual({ kind: 'server_error' });
    // A 200 whose stream made no sense.
    expect(callOutcomeOf(error('bad_response', { status: 200 }))).toEqual({ kind: 'server_error' });
    expect(callOutcomeOf(error('bad_response'))).toEqual({ kind: 'server_error' });
  });
});
