/** When the gateway banner shows, and what it says, from the tasks and the upstream status. */
import { describe, expect, test } from 'vitest';
import { gatewayProblem } from '../../src/renderer/src/settings/gateway-problem.ts';
import { task, upstreamStatus } from '../helpers/renderer-scripted-api.ts';

const refused = {
  code: 'gateway_unreachable' as const,
  message: 'connection refused at http://127.0.0.1:4567: is the gateway running?',
};
const rejected = { code: 'unauthorized' as const, message: 'the gateway rejected the token' };
const disabled = {
  code: 'bad_response' as const,
  message:
    'gateway has no /v1/chat/completions (HTTP 404): enable gateway.http.endpoints.chatCompletions.enabled in OpenClaw',
};

describe('gatewayProblem', () => {
  test('nothing has happened yet: no banner', () => {
    expect(gatewayProblem([], null)).toBeNull();
    expect(gatewayProblem([task('a', { state: 'queued' })], upstreamStatus())).toBeNull();
  });

  test('the latest message failed, or waits to retry, with the gateway unreachable', () => {
    const failed = task('a', { state: 'failed', error: refused });
    expect(gatewayProblem([failed], null)).toEqual({
      kind: 'unreachable',
      url: 'http://127.0.0.1:4567',
    });
    const waiting = task('b', { state: 'queued', error: refused, updatedAt: 20 });
    expect(gatewayProblem([waiting], null)?.kind).toBe('unreachable');
  });

  test('a newer reply means the gateway works again', () => {
    const old = task('a', { state: 'failed', error: refused, updatedAt: 10 });
    const ok = task('b', { state: 'succeeded', output: 'hi', updatedAt: 20 });
    expect(gatewayProblem([old, ok], null)).toBeNull();
    const streaming = task('c', { state: 'running', output: 'h', updatedAt: 20 });
    expect(gatewayProblem([streaming, old], null)).toBeNull();
  });

  test('a newer failure after a reply brings the banner back; silent tasks do not count', () => {
    const ok = task('a', { state: 'succeeded', updatedAt: 10 });
    const failed = task('b', { state: 'failed', error: refused, updatedAt: 20 });
    const queued = task('c', { state: 'queued', updatedAt: 30 });
    const cancelled = task('d', { state: 'cancelled', error: refused, updatedAt: 40 });
    expect(gatewayProblem([ok, failed, queued, cancelled], null)?.kind).toBe('unreachable');
  });

  test('the token refused: from the upstream status or a task', () => {
    const rejectedStatus = upstreamStatus({}, { auth: { state: 'rejected', retryAt: null } });
    expect(gatewayProblem([], rejectedStatus)).toEqual({ kind: 'rejected', url: null });
    const waiting = task('a', { state: 'queued', error: rejected });
    expect(gatewayProblem([waiting], upstreamStatus())?.kind).toBe('rejected');
  });

  test("OpenClaw's endpoint switched off (HTTP 404)", () => {
    expect(gatewayProblem([task('a', { state: 'failed', error: disabled })], null)?.kind).toBe(
      'endpoint-disabled',
    );
  });

  test('other failures are the message’s own business, not a banner', () => {
    const limited = task('a', {
      state: 'failed',
      error: { code: 'rate_limited', message: 'gateway rate limit reached (HTTP 429)' },
    });
    expect(gatewayProblem([limited], null)).toBeNull();
  });
});
