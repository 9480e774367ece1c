import { connect } from 'node:net';

/**
 * Raw bytes to a server over `node:net`, for requests no HTTP client would send (broken
 * request lines, absolute-form targets, duplicate or huge headers). Resolves with what came
 * back: the status of the first response line (null when none came before the server closed
 * or `waitMs` passed) and the head of the reply.
 */
export interface RawReply {
  status: number | null;
  /** The first 300 characters of the reply, for a failure message. */
  head: string;
}

export interface RawOptions {
  host?: string;
  /** How long to wait for the reply; a server may rightly wait for more bytes. */
  waitMs?: number;
  /** Reset the connection right after writing (a client that gives up at once). */
  reset?: boolean;
}

export function sendRaw(port: number, bytes: string | Buffer, options: RawOptions = {}) {
  return new Promise<RawReply>((resolve) => {
    const socket = connect({ host: options.host ?? '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: match ? Number(match[1]) : null, head: text.slice(0, 300) });
    };
    const timer = setTimeout(finish, options.waitMs ?? 1_000);
    socket.on('connect', () => {
      socket.write(bytes);
      if (options.reset) {
        socket.resetAndDestroy();
        finish();
      }
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // One response is all we judge; the end of its head is enough.
      if (Buffer.concat(chunks).includes('\r\n\r\n')) setTimeout(finish, 20);
    });
    socket.on('error', finish);
    socket.on('close', finish);
  });
}

/** A request head from its parts: request line, then header lines, then the blank line. */
export function head(requestLine: string, headers: readonly (readonly [string, string])[]) {
  const lines = headers.map(([name, value]) => `${name}: ${value}`);
  return `${[requestLine, ...lines].join('\r\n')}\r\n\r\n`;
}

/** The headers of a well-formed WebSocket upgrade, without Host. */
export const UPGRADE_HEADERS: readonly (readonly [string, string])[] = [
  ['Upgrade', 'websocket'],
  ['Connection', 'Upgrade'],
  ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
  ['Sec-WebSocket-Version', '13'],
];
