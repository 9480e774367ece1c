import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { contentTypeOf } from '../../shared/content-types.ts';

/**
 * The built renderer is served as `app://clawdesk/…` through `protocol.handle`, not from
 * `file://` (Electron's security checklist, item 18): a file page shares its origin with every
 * file on disk, ours has an origin of its own. The handler is plain web `Request → Response`,
 * so it is unit-tested without Electron; main.ts registers it.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'clawdesk';
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Registered before `ready` (Electron allows it only then). `standard` gives the scheme real
 * origins and relative URLs, `secure` makes it a secure context like https, `supportFetchAPI`
 * and `corsEnabled` let module scripts and lazy chunks load from it, `codeCache` keeps V8's
 * compiled code between starts.
 */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: {
    standard: true,
    secure: true,
    supportFetchAPI: true,
    corsEnabled: true,
    codeCache: true,
  },
};

/** True for `app://clawdesk/…` (WHATWG gives non-special schemes no origin to compare). */
export function isAppUrl(url: URL): boolean {
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
}

/**
 * Answers `app://clawdesk/<path>` with the file of that path under `root` (the built
 * renderer; `/` is index.html), with the window's CSP on every response. Anything else is
 * refused with a status and a one-line reason: another host, a method other than GET/HEAD,
 * broken percent-encoding, a NUL, a path that leaves `root`, a missing file.
 */
export function appProtocolHandler(root: string, policy: string) {
  const base = normalize(root + sep);
  return async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (!isAppUrl(url)) return refuse(404, `no such host: ${url.host}`);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return refuse(405, `method not allowed: ${request.method}`);
    }
    const path = decodedPath(url.pathname);
    if (path === undefined) return refuse(400, 'malformed path');
    const file = normalize(join(base, path === '/' ? 'index.html' : path));
    if (!file.startsWith(base)) return refuse(403, 'outside the app');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return refuse(404, 'not found');
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        'content-type': contentTypeOf(extname(file)),
        'content-security-policy': policy,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      },
    });
  };
}

function decodedPath(pathname: string): string | undefined {
  try {
    const path = decodeURIComponent(pathname);
    return path.includes('\0') ? undefined : path;
  } catch {
    return undefined;
  }
}

function refuse(status: number, reason: string): Response {
  return new Response(reason, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}
