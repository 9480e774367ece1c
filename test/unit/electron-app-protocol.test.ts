import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_INDEX_URL,
  APP_SCHEME_PRIVILEGES,
  appProtocolHandler,
} from '../../src/main/electron/app-protocol.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/main/electron/security.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/** The app:// handler against real files: what the window gets, and what it never gets. */
let dir: ReturnType<typeof tempDir>;
let handle: (request: Request) => Promise<Response>;

beforeAll(() => {
  dir = tempDir('clawdesk-app-protocol-');
  const root = join(dir.path, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>ClawDesk</title>');
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(join(dir.path, 'secret.txt'), 'not for the page');
  handle = appProtocolHandler(root, CONTENT_SECURITY_POLICY);
});
afterAll(() => dir.cleanup());

const get = (url: string, method = 'GET') => handle(new Request(url, { method }));

describe('app:// protocol', () => {
  it('serves index.html at / and at its name, with the window’s CSP', async () => {
    for (const url of ['app://clawdesk/', APP_INDEX_URL, `${APP_INDEX_URL}?x=1#/tasks`]) {
      const response = await get(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.text()).toContain('<title>ClawDesk</title>');
    }
  });

  it('serves scripts and styles with their types, and HEAD without a body', async () => {
    const script = await get('app://clawdesk/assets/index-abc.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
    const style = await get('app://clawdesk/assets/index-abc.css');
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const head = await get('app://clawdesk/assets/index-abc.js', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it.each([
    ['an encoded way out of the folder', 'app://clawdesk/..%2f..%2fsecret.txt', 403],
    // A separator on Windows (refused as outside), a plain file-name character elsewhere.
    [
      'a backslash way out',
      'app://clawdesk/..%5c..%5csecret.txt',
      process.platform === 'win32' ? 403 : 404,
    ],
    ['a NUL in the path', 'app://clawdesk/index.html%00.js', 400],
    ['broken percent-encoding', 'app://clawdesk/%E0%A4%A', 400],
    ['another host', 'app://elsewhere/index.html', 404],
    ['a missing file', 'app://clawdesk/assets/nope.js', 404],
  ])('refuses %s with a status and a reason', async (_what, url, status) => {
    const response = await get(url);
    expect(response.status).toBe(status);
    const body = await response.text();
    expect(body).not.toContain('not for the page');
    expect(body.length).toBeGreaterThan(0);
  });

  it('refuses a method other than GET and HEAD', async () => {
    const response = await get(APP_INDEX_URL, 'POST');
    expect(response.status).toBe(405);
  });

  it('registers app as a standard, secure scheme that can load module scripts', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({
      scheme: 'app',
      privileges: expect.objectContaining({
        standard: true,
        secure: true,
        supportFetchAPI: true,
        corsEnabled: true,
      }),
    });
  });
});
