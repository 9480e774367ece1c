import { z } from 'zod';

/** One tool call the model asked for; `arguments` is the JSON text exactly as it arrived. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * One entry of `delta.tool_calls` (streaming) or `message.tool_calls` (whole answer). Streamed,
 * the first fragment of a call carries `index`, `id`, `type` and `function.name`; later ones
 * carry only `index` and a piece of `function.arguments` to append.
 */
export const ToolCallPartSchema = z.object({
  index: z.number().int().nonnegative().nullish(),
  id: z.string().nullish(),
  type: z.string().nullish(),
  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});
export type ToolCallPart = z.infer<typeof ToolCallPartSchema>;

/** Joins the fragments of streamed tool calls by their index. */
export class ToolCallAccumulator {
  private readonly calls = new Map<number, ToolCall>();

  add(parts: readonly ToolCallPart[]): void {
    for (const [position, part] of parts.entries()) {
      // A provider that sends each call whole may leave out the index; its position stands in.
      const index = part.index ?? position;
      const call = this.calls.get(index) ?? { id: '', name: '', arguments: '' };
      if (part.id) call.id = part.id;
      if (part.function?.name) call.name += part.function.name;
      if (part.function?.arguments) call.arguments += part.function.arguments;
      this.calls.set(index, call);
    }
  }

  /** In index order; a call that never got an id gets one, so its result can still be sent. */
  result(): ToolCall[] {
    return [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, call]) => ({ ...call, id: call.id || `call_${index}` }));
  }
}
