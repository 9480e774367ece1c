import type { ToolCallView } from '../../../shared/task.ts';

/** How much of the arguments the card shows; the rest is cut with a note. */
const MAX_ARGS_CHARS = 2000;

/** The arguments as the agent sent them, pretty-printed when they are JSON. */
export function prettyArgs(args: string): string {
  let text = args;
  try {
    text = JSON.stringify(JSON.parse(args) as unknown, null, 2);
  } catch {
    // Not JSON: show it as it came.
  }
  return text.length > MAX_ARGS_CHARS ? `${text.slice(0, MAX_ARGS_CHARS)}\n…` : text;
}

/** The stored calls (tasks.get) and the ones seen live since, once each, oldest first. */
export function mergeToolCalls(
  stored: readonly ToolCallView[] | undefined,
  live: readonly ToolCallView[] | undefined,
): ToolCallView[] {
  const byId = new Map<string, ToolCallView>();
  for (const call of [...(stored ?? []), ...(live ?? [])]) byId.set(call.toolCallId, call);
  return [...byId.values()].sort((a, b) => a.at - b.at);
}
