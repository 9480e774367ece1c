/** node:http plumbing shared by the fake provider and the observation helpers. */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const data = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(data),
    ...headers,
  });
  res.end(data);
}

/** An OpenAI-style error envelope plus problem+json fields, as fake-llm.mjs answers. */
export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  type: string,
  headers: Record<string, string> = {},
): void {
  const code = type === 'rate_limit_exceeded' ? type : status;
  const error = { message, type, code, param: null };
  const title = STATUS_CODES[status] ?? 'Error';
  sendJson(res, status, { status, title, detail: message, error }, headers);
}

export function parseObject(raw: string): Record<string, unknown> | null {
  try {
    const body: unknown = JSON.parse(raw || '{}');
    return body && typeof body === 'object' ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
