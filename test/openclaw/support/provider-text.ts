/**
 * How the fake model provider reads what OpenClaw sends it. OpenClaw wraps the client's message
 * (a timestamp prefix, a "Runtime: agent=…" footer, injected context blocks, "[Queued user
 * message …]" markers, and with client history a "[Current message - respond to this]" part);
 * the fault markers are looked for in the client's own text only. Ported from
 * /work/shared/peer/fake-llm.mjs (userTextOf).
 */

export interface ChatMessage {
  role?: unknown;
  content?: unknown;
  tool_calls?: unknown;
}

const INTERNAL_CONTEXT = '<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>';
const CURRENT = '[Current message - respond to this]\n';

export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      typeof part === 'string' ? part : String((part as { text?: unknown })?.text ?? ''),
    )
    .join('');
}

const isInjected = (m: ChatMessage): boolean =>
  m.role === 'user' && textOf(m.content).trimStart().startsWith(INTERNAL_CONTEXT);

/**
 * The client's text of this turn, and the client tool result when OpenClaw relays one as
 * "Tool:<call id>: <content>" (its tool_call meta-tool round trip).
 */
export function userTextOf(messages: readonly ChatMessage[]): {
  text: string;
  toolResult: string | null;
} {
  const users = messages.filter((m) => m?.role === 'user');
  const real = [...users].reverse().find((m) => !isInjected(m)) ?? users.at(-1);
  let text = textOf(real?.content);
  text = text.split(/\n\nRuntime: agent=/)[0] ?? '';
  text = text.replace(/^\[[A-Z][a-z]{2} \d{4}-\d{2}-\d{2}[^\]]*\]\s*/, '');
  text = text.replace(/^\[Queued user message[^\]]*\]\s*/, '');
  const current = text.indexOf(CURRENT);
  if (current >= 0) text = text.slice(current + CURRENT.length);
  const tool = /^Tool:[^:\s]*: ([\s\S]*)$/.exec(text);
  if (tool) return { text, toolResult: tool[1] ?? '' };
  return { text: text.replace(/^User: /, ''), toolResult: null };
}

/** The result of an OpenAI-style tool round trip when the conversation ends with one. */
export function trailingToolResult(messages: readonly ChatMessage[]): string | null {
  const last = [...messages].reverse().find((m) => m && !isInjected(m));
  return last?.role === 'tool' ? textOf(last.content) : null;
}

export interface Markers {
  /** `[[fail:<status>]]` or `[[fail:<status>:<times>]]` (only the first `times` calls fail). */
  fail?: { status: number; times: number | undefined };
  /** `[[delay:<ms>]]`: wait this long before answering. */
  delayMs?: number;
  /** `[[tool:<name>]]` with `[[args:{…}]]`: answer with a call of that tool. */
  tool?: { name: string; arguments: string };
}

export function markersOf(text: string): Markers {
  const markers: Markers = {};
  const fail = /\[\[fail:(\d{3})(?::(\d+))?\]\]/.exec(text);
  if (fail) {
    const times = fail[2] === undefined ? undefined : Number(fail[2]);
    markers.fail = { status: Number(fail[1]), times };
  }
  const delay = /\[\[delay:(\d+)\]\]/.exec(text);
  if (delay) markers.delayMs = Number(delay[1]);
  const tool = /\[\[tool:([A-Za-z0-9_.-]+)\]\]/.exec(text);
  if (tool?.[1]) {
    const args = /\[\[args:(\{[\s\S]*?\})\]\]/.exec(text)?.[1] ?? '{}';
    markers.tool = { name: tool[1], arguments: args };
  }
  return markers;
}
