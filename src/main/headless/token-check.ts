import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Target } from './request-guard.ts';

/** Asked by a page whose bridge will not open: is it the token, or something else? */
export const TOKEN_CHECK_PATH = '/token-check';

/** A handler behind the request guard: the target is a checked path. */
type Handler = (req: IncomingMessage, res: ServerResponse, target: Target) => Promise<void>;

function same(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `GET /token-check?token=…` answers 204 for the right token and 401 with `{"token":"missing"}`
 * or `{"token":"wrong"}` otherwise, so the page can say exactly that (a browser sees no status
 * for a refused WebSocket). It says no more than the bridge itself does, and no other origin
 * can read the answer (no CORS headers). Every other request goes to `next`.
 */
export function withTokenCheck(next: Handler, token: string): Handler {
  return async (req, res, target) => {
    if (target.path !== TOKEN_CHECK_PATH) return next(req, res, target);
    const given = target.query.get('token') ?? '';
    if (given !== '' && same(given, token)) {
      res.writeHead(204, { 'cache-control': 'no-store' }).end();
      return;
    }
    res
      .writeHead(401, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify({ token: given === '' ? 'missing' : 'wrong' }));
  };
}
