/** Reading a chat request the way OpenClaw does, for the fake gateway. */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** OpenClaw's session key for a request: `agent:<agent>:<x-openclaw-session-key>`. */
export function sessionKeyOf(headers: IncomingHttpHeaders, body: { user?: unknown }): string {
  const agent = String(headers['x-openclaw-agent-id'] ?? 'main');
  const header = headers['x-openclaw-session-key'];
  if (typeof header === 'string' && header) return `agent:${agent}:${header}`;
  if (typeof body.user === 'string' && body.user) return `agent:${agent}:openai-user:${body.user}`;
  return `agent:${agent}:openai:${randomUUID()}`;
}

export function lastUserText(messages: unknown): string | null {
  if (!Array.isArray(messages)) return null;
  const last = [...messages].reverse().find((m: { role?: unknown }) => m?.role === 'user') as
    { content?: unknown } | undefined;
  return typeof last?.content === 'string' && last.content.trim() ? last.content : null;
}

/** How OpenClaw records a follow-up that carries only tool results: "Tool:<id>: <content>". */
export function toolResultText(messages: unknown): string {
  const tools = (messages as { role?: unknown; tool_call_id?: unknown; content?: unknown }[])
    .filter((m) => m?.role === 'tool')
    .map((m) => `Tool:${String(m.tool_call_id ?? '')}: ${String(m.content ?? '')}`);
  return tools.join('\n');
}

/** `[[delay:<ms>]]`: how long the model thinks before its first chunk. */
export function thinkMarker(text: string | null): number | undefined {
  const match = text === null ? null : /\[\[delay:(\d+)\]\]/.exec(text);
  return match ? Number(match[1]) : undefined;
}
