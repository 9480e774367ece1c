import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The headless server's front door, shared by plain HTTP requests and WebSocket upgrades:
 * every part of a request it reads (target, Host) is parsed here, and nothing here throws, so
 * a malformed request is a 400 with a reason, never an exception outside a handler (which
 * would end the process and every running task with it).
 */

export interface Refusal {
  status: 400 | 401 | 403 | 404 | 405 | 421;
  /** One line, safe to log and to send back: request data in it is quoted and cut. */
  reason: string;
}

/** Whether a request's Host is one of ours; a refusal says why not. */
export type HostCheck = (req: IncomingMessage) => Refusal | undefined;

export const STATUS_TEXT: Record<Refusal['status'], string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  421: 'Misdirected Request',
};

export interface Target {
  /** The path, percent-decoded. */
  path: string;
  query: URLSearchParams;
}

/** Longer targets are no page of ours (Node caps the whole head at 16 KB anyway). */
const MAX_TARGET_CHARS = 8192;

/** Request data inside a reason: JSON-quoted (no control characters reach the log) and cut. */
export function quote(value: string, max = 100): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}

/**
 * The request target, which must be a path (origin-form, `/x?y`): the absolute form
 * (`http://host/x`) is for proxies and would name a host of its own beside the Host header.
 */
export function parseTarget(raw: string | undefined): Target | Refusal {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//')) {
    return { status: 400, reason: `request target ${quote(raw ?? '')} is not a path` };
  }
  if (raw.length > MAX_TARGET_CHARS) {
    return { status: 400, reason: `request target is longer than ${MAX_TARGET_CHARS} characters` };
  }
  const at = raw.indexOf('?');
  let path: string;
  try {
    path = decodeURIComponent(at < 0 ? raw : raw.slice(0, at));
  } catch {
    return { status: 400, reason: `path ${quote(raw)} is not valid percent-encoding` };
  }
  if (path.includes('\0')) return { status: 400, reason: 'path holds a NUL character' };
  return { path, query: new URLSearchParams(at < 0 ? '' : raw.slice(at + 1)) };
}

export const isRefusal = (value: Target | Refusal | undefined): value is Refusal =>
  value !== undefined && 'status' in value;

/** Characters of a host name, an IPv4 or a bracketed IPv6 address, and a port. */
const HOST_CHARS = /^[A-Za-z0-9._~[\]:-]+$/;

/**
 * A Host value (`name`, `name:port`, `[v6]:port`) as the WHATWG URL parser canonicalises it:
 * lower case, IPv4 and IPv6 written one way. Undefined when it is not a host.
 */
export function hostnameOf(host: string): string | undefined {
  if (!HOST_CHARS.test(host)) return undefined;
  try {
    const url = new URL(`http://${host}`);
    return url.pathname === '/' && !url.username ? url.hostname : undefined;
  } catch {
    return undefined;
  }
}

/** Loopback by name or address: `localhost`, 127.0.0.0/8, `[::1]`. */
export function isLoopbackName(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** The host of an origin (`http://localhost:9000` → `localhost`). */
function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).hostname;
  } catch {
    return undefined;
  }
}

/**
 * Which Host headers the server answers: loopback names and addresses, the address it listens
 * on, and the hosts of the origins the user allowed, each with any port. A page of another
 * name that reaches us (DNS rebinding: evil.example re-pointed at 127.0.0.1) sends its own
 * name and is turned away before it can read anything.
 */
export function hostCheck(listenHost: string, allowedOrigins: readonly string[]): HostCheck {
  const bracketed = listenHost.includes(':') ? `[${listenHost}]` : listenHost;
  const known = new Set<string>();
  for (const host of [hostnameOf(bracketed), ...allowedOrigins.map(originHost)]) {
    if (host) known.add(host);
  }
  return (req) => {
    // Node keeps the first of several Host headers; which one a proxy used is anyone's guess.
    const names = req.rawHeaders.filter((_, i) => i % 2 === 0);
    if (names.filter((name) => name.toLowerCase() === 'host').length > 1)
      return { status: 400, reason: 'more than one Host header' };
    const host = req.headers.host;
    if (!host) return { status: 400, reason: 'missing Host header' };
    const hostname = hostnameOf(host);
    if (!hostname) return { status: 400, reason: `Host ${quote(host)} is not a host name` };
    if (isLoopbackName(hostname) || known.has(hostname)) return undefined;
    return {
      status: 421,
      reason:
        `Host ${quote(host)} is not a name of this server ` +
        `(if that is you, start with --allow-origin http://${host})`,
    };
  };
}

/** The Host first (a page of a foreign name learns nothing more), then the target. */
export function checkRequest(req: IncomingMessage, host: HostCheck): Target | Refusal {
  return host(req) ?? parseTarget(req.url);
}

/** A refusal as a raw HTTP/1.1 response, for an upgrade socket that has no ServerResponse. */
export function rawRefusal({ status, reason }: Refusal): string {
  const body = `${reason}\n`;
  return (
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\n` +
    `Content-Type: text/plain; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/**
 * The HTTP server's request listener: the checks above, then `serve`. Whatever `serve` throws
 * or rejects with is logged and answered with a 500; it never reaches the process.
 */
export function guardedListener(options: {
  host: HostCheck;
  serve: (req: IncomingMessage, res: ServerResponse, target: Target) => Promise<void>;
  log: (line: string) => void;
}): (req: IncomingMessage, res: ServerResponse) => void {
  const failed = (res: ServerResponse, err: unknown): void => {
    options.log(`http: a request failed: ${err instanceof Error ? err.message : String(err)}`);
    if (res.headersSent) res.destroy();
    else
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('internal error\n');
  };
  return (req, res) => {
    try {
      const checked = checkRequest(req, options.host);
      if (isRefusal(checked)) {
        options.log(`http: refused ${req.method ?? '?'} with ${checked.status}: ${checked.reason}`);
        const body = `${checked.reason}\n`;
        res.writeHead(checked.status, {
          'content-type': 'text/plain; charset=utf-8',
          'content-length': Buffer.byteLength(body),
        });
        res.end(body);
        return;
      }
      options.serve(req, res, checked).catch((err: unknown) => failed(res, err));
    } catch (err) {
      failed(res, err);
    }
  };
}
