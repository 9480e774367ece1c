import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  hostCheck,
  hostnameOf,
  isRefusal,
  parseTarget,
  rawRefusal,
} from '../../src/main/headless/request-guard.ts';

/** Issue 13: the headless server's request checks, one by one (http-fuzz.test.ts: end to end). */

const request = (rawHeaders: string[]): IncomingMessage => {
  const headers: Record<string, string> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) {
    headers[rawHeaders[i]!.toLowerCase()] ??= rawHeaders[i + 1]!;
  }
  return { rawHeaders, headers } as unknown as IncomingMessage;
};

describe('parseTarget', () => {
  it('reads a path and its query, percent-decoded', () => {
    const target = parseTarget('/assets/a%20b.js?token=x%2By&v=1');
    expect(isRefusal(target)).toBe(false);
    if (isRefusal(target)) return;
    expect(target.path).toBe('/assets/a b.js');
    expect(target.query.get('token')).toBe('x+y');
  });

  it.each([
    ['http://[::1', 'is not a path'],
    ['http://a:99999/bridge', 'is not a path'],
    ['//evil.example/bridge', 'is not a path'],
    ['*', 'is not a path'],
    ['', 'is not a path'],
    ['/%', 'is not valid percent-encoding'],
    ['/%E0%A4%A', 'is not valid percent-encoding'],
    ['/a%00b', 'holds a NUL character'],
    [`/${'a'.repeat(9000)}`, 'longer than 8192 characters'],
  ])('refuses %j with 400: %s', (raw, why) => {
    const target = parseTarget(raw);
    expect(target).toMatchObject({ status: 400 });
    expect((target as { reason: string }).reason).toContain(why);
  });

  it('quotes request data in a reason, cut, without control characters', () => {
    const target = parseTarget(`http://x\u001b[31m${'y'.repeat(500)}`);
    const { reason } = target as { reason: string };
    expect(reason).not.toContain('\u001b');
    expect(reason.length).toBeLessThan(150);
  });
});

describe('hostnameOf', () => {
  it.each([
    ['localhost:8790', 'localhost'],
    ['LOCALHOST', 'localhost'],
    ['127.0.0.1', '127.0.0.1'],
    ['[::1]:8790', '[::1]'],
    ['[0:0:0:0:0:0:0:1]', '[::1]'],
    ['desk.example.com', 'desk.example.com'],
  ])('%s → %s', (host, name) => expect(hostnameOf(host)).toBe(name));

  it.each(['', 'a b', '127.0.0.1:99999', '[::1', 'user@localhost', 'localhost/x', 'é.example'])(
    '%j is no host',
    (host) => expect(hostnameOf(host)).toBeUndefined(),
  );
});

describe('hostCheck', () => {
  const check = hostCheck('127.0.0.1', ['http://localhost:9000', 'https://desk.example.com']);

  it('accepts loopback names and addresses and the allowed origins’ hosts, with any port', () => {
    for (const host of [
      'localhost',
      'localhost:1',
      '127.0.0.1:8790',
      '127.9.9.9',
      '[::1]:8790',
      'desk.example.com',
      'desk.example.com:443',
    ]) {
      expect(check(request(['Host', host])), host).toBeUndefined();
    }
  });

  it('refuses other names with 421 and says how to allow one', () => {
    expect(check(request(['Host', 'rebound.example:8790']))).toEqual({
      status: 421,
      reason:
        'Host "rebound.example:8790" is not a name of this server ' +
        '(if that is you, start with --allow-origin http://rebound.example:8790)',
    });
    expect(check(request(['Host', '127.0.0.1.evil.example']))?.status).toBe(421);
    expect(check(request(['Host', '10.0.0.5']))?.status).toBe(421);
  });

  it('refuses a missing, a duplicated or a malformed Host with 400', () => {
    expect(check(request([]))).toEqual({ status: 400, reason: 'missing Host header' });
    const twice = request(['Host', 'localhost', 'host', 'evil.example']);
    expect(check(twice)).toEqual({ status: 400, reason: 'more than one Host header' });
    expect(check(request(['Host', 'localhost:99999']))?.status).toBe(400);
  });

  it('accepts the address it listens on, IPv6 included', () => {
    expect(hostCheck('0.0.0.0', [])(request(['Host', '0.0.0.0:8790']))).toBeUndefined();
    expect(hostCheck('::', [])(request(['Host', '[::]:8790']))).toBeUndefined();
    expect(hostCheck('192.168.1.5', [])(request(['Host', '192.168.1.5']))).toBeUndefined();
    expect(hostCheck('0.0.0.0', [])(request(['Host', '192.168.1.5']))?.status).toBe(421);
  });
});

describe('rawRefusal', () => {
  it('is a complete HTTP/1.1 response with the reason as its body', () => {
    const text = rawRefusal({ status: 421, reason: 'Host "x" is not a name of this server' });
    expect(text).toMatch(/^HTTP\/1\.1 421 Misdirected Request\r\n/);
    expect(text).toContain('Content-Length: 38\r\n\r\nHost "x" is not a name of this server\n');
  });
});
