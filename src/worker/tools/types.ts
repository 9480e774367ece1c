import type { z } from 'zod';
import type { ToolSandbox } from '../../shared/worker-protocol.ts';

/**
 * Shared shapes for the worker's local tools. Every tool is plain Node code that the agent loop
 * calls when the model answers with `tool_calls`; the loop, protocol and approval UI live
 * elsewhere, so nothing here knows about them.
 */

/** What happens when the model calls a tool: run it, pause for the user, or refuse outright. */
export type ToolPolicy = 'allow' | 'ask' | 'deny';

/** A JSON schema object as OpenAI's function format expects it under `parameters`. */
export interface JsonSchemaObject {
  type: 'object';
  properties: Record<string, unknown>;
  required?: string[];
  additionalProperties?: boolean;
}

export interface ToolLimits {
  /** Largest file read_file will return. */
  maxReadBytes: number;
  /** Largest content write_file will accept. */
  maxWriteBytes: number;
  /** Largest `content` sent back to the model (exec stdout/stderr, listings...). */
  maxOutputBytes: number;
  /** Wall-clock budget for tools that run processes. */
  timeoutMs: number;
}

/** Defaults until settings carry their own; generous for source files, small for the model's context. */
export const DEFAULT_TOOL_LIMITS: ToolLimits = {
  maxReadBytes: 1024 * 1024,
  maxWriteBytes: 1024 * 1024,
  maxOutputBytes: 64 * 1024,
  timeoutMs: 30_000,
};

export interface ToolContext {
  /** Absolute path of the task's workspace; every path a tool touches must resolve inside it. */
  workspace: string;
  /** Aborted when the task is cancelled; long-running tools must stop promptly. */
  signal: AbortSignal;
  limits: ToolLimits;
  /** How exec tools are confined, and the folders no tool may show (the data folder). */
  sandbox: ToolSandbox;
}

/** A run without an OS sandbox: exec tools run unconfined, so they are ask-only (agent-loop). */
export const NO_SANDBOX: ToolSandbox = { kind: 'none', hidden: [], network: [] };

export interface ToolResult {
  ok: boolean;
  /** Exactly what goes back to the model as the `role: "tool"` message. */
  content: string;
  /** Set when `content` was cut to fit a limit (the content also says so in words). */
  truncated?: boolean;
}

export interface ToolDefinition {
  name: string;
  description: string;
  parameters: JsonSchemaObject;
  /** Default policy; settings may override it per tool (see registry `policyOf`). */
  policy: ToolPolicy;
  /** Must never throw: failures come back as `{ ok: false, content }` the model can read. */
  run(args: unknown, ctx: ToolContext): Promise<ToolResult>;
}

export type ParsedArgs<T> = { ok: true; value: T } | { ok: false; result: ToolResult };

/**
 * Validates model-supplied arguments. The model sees the first problem as
 * `invalid arguments: <field>: <message>` so it can correct the call instead of the loop crashing.
 */
export function parseToolArgs<T>(schema: z.ZodType<T>, args: unknown): ParsedArgs<T> {
  const parsed = schema.safeParse(args);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(arguments)';
  const message = issue ? issue.message : 'not valid';
  return { ok: false, result: { ok: false, content: `invalid arguments: ${field}: ${message}` } };
}

/**
 * Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character, and says so, because
 * the model must know it is looking at a partial output rather than the whole thing.
 */
export function capContent(
  text: string,
  maxBytes: number,
): { content: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { content: text, truncated: false };
  let end = Math.max(0, maxBytes);
  // Step back over UTF-8 continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  const head = bytes.subarray(0, end).toString('utf8');
  return {
    content: `${head}\n[truncated: showing ${end} of ${bytes.length} bytes]`,
    truncated: true,
  };
}
