/**
 * One POST /v1/chat/completions, recorded whole for observation: status, headers, every SSE
 * event with the time it arrived, the raw body, the socket error if any. Plain node:http with no
 * connection reuse, so nothing between the test and the gateway retries or pools.
 */
import { request } from 'node:http';
import { createParser } from 'eventsource-parser';
import { flatHeaders } from './readiness.ts';

export interface ChatCallInput {
  /** Gateway base URL, `http://127.0.0.1:<port>`. */
  url: string;
  token: string;
  /** Sent as `x-openclaw-session-key` when given. */
  sessionKey?: string;
  /** The user message (a one-message conversation), unless `messages` is given. */
  text?: string;
  messages?: unknown[];
  stream?: boolean;
  tools?: unknown[];
  model?: string;
  /** Ends the call from the client side (the socket is destroyed). */
  signal?: AbortSignal;
}

export interface SseEvent {
  /** ms after the request was sent. */
  ms: number;
  data: string;
  /** The parsed JSON, or undefined for `[DONE]` and anything not JSON. */
  json?: Record<string, unknown>;
}

export interface ChatCallRecord {
  status?: number;
  headers?: Record<string, string>;
  /** ms after the request was sent: headers, first body byte, end (or error). */
  headersMs?: number;
  endMs?: number;
  events: SseEvent[];
  body: string;
  /** A socket error code (`ECONNREFUSED`, `ECONNRESET`, `ABORT_ERR`…), when it ended in one. */
  error?: string;
  /** Epoch ms the request was sent. */
  sentAt: number;
}

export function chatCall(input: ChatCallInput): Promise<ChatCallRecord> {
  const body = JSON.stringify({
    model: input.model ?? 'openclaw',
    stream: input.stream ?? true,
    messages: input.messages ?? [{ role: 'user', content: input.text ?? '' }],
    ...(input.tools ? { tools: input.tools } : {}),
  });
  const headers: Record<string, string> = {
    authorization: `Bearer ${input.token}`,
    'content-type': 'application/json',
  };
  if (input.sessionKey) headers['x-openclaw-session-key'] = input.sessionKey;
  const record: ChatCallRecord = { events: [], body: '', sentAt: Date.now() };
  const since = (): number => Date.now() - record.sentAt;
  const parser = createParser({
    onEvent: (event) =>
      record.events.push({ ms: since(), data: event.data, json: parseJson(event.data) }),
  });
  return new Promise((resolve) => {
    const done = (error?: unknown): void => {
      if (error) record.error = (error as { code?: string }).code ?? String(error);
      record.endMs ??= since();
      resolve(record);
    };
    const req = request(
      `${input.url}/v1/chat/completions`,
      { method: 'POST', headers, agent: false, signal: input.signal },
      (res) => {
        record.status = res.statusCode;
        record.headers = flatHeaders(res.headers);
        record.headersMs = since();
        res.setEncoding('utf8');
        res.on('data', (text: string) => {
          record.body += text;
          parser.feed(text);
        });
        res.on('end', () => done());
        res.on('error', done);
        res.on('aborted', () => done(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
      },
    );
    req.on('error', done);
    req.end(body);
  });
}

function parseJson(data: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The text the stream carried (all `delta.content` joined). */
export function streamedText(record: ChatCallRecord): string {
  return record.events
    .map((e) => {
      const choices = e.json?.choices as { delta?: { content?: unknown } }[] | undefined;
      const content = choices?.[0]?.delta?.content;
      return typeof content === 'string' ? content : '';
    })
    .join('');
}

/** The `chatcmpl_…` id of a stream (OpenClaw's run id for that turn). */
export function completionIdOf(record: ChatCallRecord): string | undefined {
  const id = record.events.find((e) => typeof e.json?.id === 'string')?.json?.id;
  return typeof id === 'string' ? id : undefined;
}

/** A compact, diff-friendly view of a record for logs and docs. */
export function summarize(record: ChatCallRecord): object {
  return {
    status: record.status,
    error: record.error,
    headersMs: record.headersMs,
    endMs: record.endMs,
    contentType: record.headers?.['content-type'],
    events: record.events.map((e) => `${e.ms}ms ${e.data.slice(0, 300)}`),
    body: record.events.length ? undefined : record.body.slice(0, 500),
  };
}
