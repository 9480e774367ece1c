/**
 * Failures of the HTTP exchange in words. The error shapes below are those undici and Node
 * produce: a bare system error, one wrapped in `cause` (fetch, undici's request), and an
 * AggregateError from happy-eyeballs trying several addresses.
 */
import { describe, expect, it } from 'vitest';
import { errorCode, networkError, stallError } from '../../src/worker/network-error.ts';
import { streamChat } from '../../src/worker/v1-client.ts';

const ORIGIN = 'http://gateway.lan:18790';
const timeouts = { headersMs: 30_000, stallMs: 90_000 };

const coded = (code: string, message = code): Error => Object.assign(new Error(message), { code });

describe('errorCode', () => {
  it('finds the code bare, in a cause chain, or in the first error of an AggregateError', () => {
    expect(errorCode(coded('ECONNREFUSED'))).toBe('ECONNREFUSED');
    expect(errorCode(new TypeError('fetch failed', { cause: coded('ENOTFOUND') }))).toBe(
      'ENOTFOUND',
    );
    const both = new AggregateError([coded('EHOSTUNREACH'), coded('ECONNREFUSED')], 'all failed');
    expect(errorCode(new Error('x', { cause: both }))).toBe('EHOSTUNREACH');
  });

  it('gives up on non-objects and on chains deeper than four', () => {
    expect(errorCode('ECONNREFUSED')).toBeUndefined();
    expect(errorCode(null)).toBeUndefined();
    expect(errorCode(new Error('no code'))).toBeUndefined();
    let deep: Error = coded('ECONNRESET');
    for (let i = 0; i < 4; i++) deep = new Error(`wrap ${i}`, { cause: deep });
    expect(errorCode(deep)).toBeUndefined();
  });
});

describe('networkError before the gateway answered', () => {
  it.each([
    ['ECONNREFUSED', `connection refused at ${ORIGIN} (is the OpenClaw gateway running?)`],
    ['ENOTFOUND', 'gateway host not found: gateway.lan'],
    ['EAI_AGAIN', 'could not resolve the gateway host gateway.lan (DNS)'],
    ['EHOSTUNREACH', `gateway host unreachable: ${ORIGIN}`],
    ['ENETUNREACH', `network unreachable for ${ORIGIN}`],
    ['ETIMEDOUT', `connection to ${ORIGIN} timed out`],
    ['UND_ERR_CONNECT_TIMEOUT', `connection to ${ORIGIN} timed out`],
    ['ECONNRESET', `connection to ${ORIGIN} was reset before the gateway answered`],
    ['UND_ERR_SOCKET', `connection to ${ORIGIN} closed before the gateway answered`],
  ])('%s says what to check, retryably', (code, message) => {
    const cause = new TypeError('fetch failed', { cause: coded(code) });
    const error = networkError(cause, ORIGIN, false, timeouts);
    expect(error).toMatchObject({ code: 'gateway_unreachable', message, retryable: true });
    expect(error.cause).toBe(cause);
  });

  it('falls back to the error text for a code it has no words for, or none', () => {
    expect(
      networkError(coded('EPROTO', 'wrong version number'), ORIGIN, false, timeouts),
    ).toMatchObject({ message: `cannot reach the gateway at ${ORIGIN}: wrong version number` });
    expect(networkError('boom', ORIGIN, false, timeouts).message).toBe(
      `cannot reach the gateway at ${ORIGIN}: boom`,
    );
  });

  it('names the origin itself as host when it is not a URL', () => {
    expect(networkError(coded('ENOTFOUND'), 'not a url', false, timeouts).message).toBe(
      'gateway host not found: not a url',
    );
  });
});

describe('networkError for timeouts and broken streams', () => {
  it('turns undici timeouts into stall timeouts stating our limit', () => {
    expect(networkError(coded('UND_ERR_HEADERS_TIMEOUT'), ORIGIN, false, timeouts)).toMatchObject({
      code: 'stall_timeout',
      message: 'the gateway did not answer within 30 s (headers timeout)',
      retryable: true,
    });
    expect(networkError(coded('UND_ERR_BODY_TIMEOUT'), ORIGIN, true, timeouts)).toMatchObject({
      code: 'stall_timeout',
      message: 'no data from the gateway for 1.5 min (stall timeout)',
      retryable: true,
    });
    expect(stallError(4_000).message).toBe('no data from the gateway for 4 s (stall timeout)');
  });

  it('reports a stream cut after the headers as a retryable stream error of a 200', () => {
    const error = networkError(coded('ECONNRESET'), ORIGIN, true, timeouts);
    expect(error).toMatchObject({
      code: 'stream_error',
      message: `the stream from ${ORIGIN} broke before [DONE] (ECONNRESET)`,
      retryable: true,
      status: 200,
    });
    expect(networkError(new Error('other side closed'), ORIGIN, true, timeouts).message).toBe(
      `the stream from ${ORIGIN} broke before [DONE] (other side closed)`,
    );
  });

  it('refuses, without retrying, a request undici cannot build', () => {
    const error = networkError(
      coded('UND_ERR_INVALID_ARG', 'invalid authorization header'),
      ORIGIN,
      false,
      timeouts,
    );
    expect(error).toMatchObject({
      code: 'internal',
      message: 'could not build the request: invalid authorization header',
      retryable: false,
    });
  });

  it('a pasted token with a newline fails before any connection, without showing the token', async () => {
    // Port 9 (discard) on loopback: nothing must be sent there, and nothing is.
    const job = {
      taskId: 't',
      attempt: 1,
      text: 'hi',
      sessionKey: 's',
      gateway: { url: 'http://127.0.0.1:9', token: 'sk-secret\nsecond-line', agentId: 'main' },
      timeouts: { headersMs: 5_000, stallMs: 5_000, totalMs: 10_000 },
    };
    const error = await streamChat(job, { onDelta: () => undefined }).then(
      () => {
        throw new Error('expected a failure');
      },
      (e: unknown) => e as Error & { code: string; retryable: boolean },
    );
    expect(error).toMatchObject({ code: 'internal', retryable: false });
    expect(error.message).toMatch(/^could not build the request: /);
    expect(error.message).not.toContain('sk-secret');
  });
});
