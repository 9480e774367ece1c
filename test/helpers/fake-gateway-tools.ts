/**
 * Tool calls for the fake gateway, driven by markers in the user message as
 * ../shared/peer/fake-llm.mjs does: `[[tool:NAME]]` makes the model call NAME with the JSON of
 * `[[args:{...}]]` (or `{}`); `[[tool-rounds:N]]` makes it call the tool again after each result,
 * N calls in all (default 1). Like OpenClaw, the gateway keeps each session's user message, so a
 * follow-up that carries only `role: "tool"` results is answered in the context of that message:
 * with another call, or with `Tool said: <content>`.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export interface ScriptedCall {
  id: string;
  name: string;
  arguments: string;
}

interface Session {
  text: string;
  calls: number;
}

export type Answer = { kind: 'text'; reply: string } | { kind: 'tool'; call: ScriptedCall };

/** The tool results that end `messages`, or null when the last message is not a tool result. */
export function trailingToolResults(messages: unknown): string[] | null {
  if (!Array.isArray(messages)) return null;
  const results: string[] = [];
  for (const message of [...messages].reverse() as { role?: unknown; content?: unknown }[]) {
    if (message?.role !== 'tool') break;
    results.unshift(typeof message.content === 'string' ? message.content : '');
  }
  return results.length > 0 ? results : null;
}

export class ToolSessions {
  private readonly sessions = new Map<string, Session>();

  /**
   * What the model answers: `userText` is the request's user message (null on a tool-results
   * follow-up), `reply` the plain text answer for a user message.
   */
  answer(
    sessionKey: string,
    userText: string | null,
    results: string[] | null,
    reply: (text: string) => string,
  ): Answer {
    let session = this.sessions.get(sessionKey);
    if (userText !== null || !session) {
      session = { text: userText ?? '', calls: 0 };
      this.sessions.set(sessionKey, session);
    }
    const tool = /\[\[tool:([A-Za-z0-9_.-]+)\]\]/.exec(session.text)?.[1];
    const rounds = Number(/\[\[tool-rounds:(\d+)\]\]/.exec(session.text)?.[1] ?? 1);
    if (tool && (results === null || session.calls < rounds)) {
      session.calls++;
      const args = /\[\[args:(\{.*?\})\]\]/s.exec(session.text)?.[1] ?? '{}';
      const id = `call_${randomBytes(6).toString('hex')}`;
      return { kind: 'tool', call: { id, name: tool, arguments: args } };
    }
    if (results !== null) return { kind: 'text', reply: `Tool said: ${results.join('\n')}` };
    return { kind: 'text', reply: reply(session.text) };
  }
}

/**
 * Streams a tool call as OpenAI does: the first fragment with id, type and name, the arguments
 * in several pieces, then `finish_reason: "tool_calls"` and [DONE]. `roleSent`: the stream is
 * open and its role chunk went out already (OpenClaw behaviour), so the first fragment has none.
 */
export function streamToolCall(
  res: ServerResponse,
  head: object,
  call: ScriptedCall,
  usage: object,
  roleSent = false,
): void {
  const chunk = (extra: object): string => `data: ${JSON.stringify({ ...head, ...extra })}\n\n`;
  const delta = (d: object, finish: string | null = null): string =>
    chunk({ choices: [{ index: 0, delta: d, finish_reason: finish }] });
  if (!res.headersSent) res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
  const first = { index: 0, id: call.id, type: 'function', function: { name: call.name } };
  const role = roleSent ? {} : { role: 'assistant', content: null };
  res.write(delta({ ...role, tool_calls: [{ ...first }] }));
  const third = Math.ceil(call.arguments.length / 3);
  for (let at = 0; at < call.arguments.length; at += third) {
    const piece = call.arguments.slice(at, at + third);
    res.write(delta({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
  }
  res.write(chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }], usage }));
  res.end('data: [DONE]\n\n');
}

/** The same call as a whole `chat.completion` (for `stream: false`). */
export function wholeToolCall(head: object, call: ScriptedCall, usage: object): object {
  const toolCall = {
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  };
  return {
    ...head,
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: null, tool_calls: [toolCall] },
        finish_reason: 'tool_calls',
      },
    ],
    usage,
  };
}
