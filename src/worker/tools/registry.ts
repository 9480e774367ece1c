import type {
  JsonSchemaObject,
  ToolContext,
  ToolDefinition,
  ToolPolicy,
  ToolResult,
} from './types.ts';
import { capContent } from './types.ts';

/**
 * The one place the agent loop looks tools up: what to offer the model, what policy applies, and
 * how to run a call. Policy is only reported here, not enforced: "ask" needs the approval flow,
 * which belongs to the loop, so the caller checks `policyOf` before `run`.
 */

/** One entry of the chat-completions request's `tools` array (OpenAI function format). */
export interface OpenAiTool {
  type: 'function';
  function: { name: string; description: string; parameters: JsonSchemaObject };
}

/** Per-tool policies from settings; a missing or unrecognised entry falls back to the default. */
export type ToolPolicyOverrides = Readonly<Record<string, unknown>>;

export interface ToolRegistry {
  /** Tools to offer the model; tools whose effective policy is "deny" are left out. */
  definitions(overrides?: ToolPolicyOverrides): OpenAiTool[];
  get(name: string): ToolDefinition | undefined;
  names(): string[];
  /** Effective policy; an unknown tool is "deny" so nothing unregistered can ever be approved. */
  policyOf(name: string, overrides?: ToolPolicyOverrides): ToolPolicy;
  /** Runs a call and always resolves: unknown tools, bad JSON and throwing tools become ok:false. */
  run(name: string, args: unknown, ctx: ToolContext): Promise<ToolResult>;
}

const POLICIES: readonly string[] = ['allow', 'ask', 'deny'];

function isPolicy(value: unknown): value is ToolPolicy {
  return typeof value === 'string' && POLICIES.includes(value);
}

export function createToolRegistry(tools: readonly ToolDefinition[]): ToolRegistry {
  const byName = new Map<string, ToolDefinition>();
  for (const tool of tools) {
    // Two tools with one name would make the model's call ambiguous: a wiring bug, caught at start.
    if (byName.has(tool.name)) throw new Error(`duplicate tool name: ${tool.name}`);
    byName.set(tool.name, tool);
  }

  const policyOf = (name: string, overrides?: ToolPolicyOverrides): ToolPolicy => {
    const tool = byName.get(name);
    if (!tool) return 'deny';
    const override = overrides && Object.hasOwn(overrides, name) ? overrides[name] : undefined;
    return isPolicy(override) ? override : tool.policy;
  };

  return {
    definitions(overrides) {
      return [...byName.values()]
        .filter((tool) => policyOf(tool.name, overrides) !== 'deny')
        .map((tool) => ({
          type: 'function',
          function: { name: tool.name, description: tool.description, parameters: tool.parameters },
        }));
    },
    get: (name) => byName.get(name),
    names: () => [...byName.keys()],
    policyOf,
    async run(name, args, ctx) {
      const tool = byName.get(name);
      if (!tool) return { ok: false, content: `unknown tool ${name}` };
      // The wire carries `function.arguments` as a JSON string; accept it as-is or pre-parsed.
      let input = args;
      if (typeof args === 'string') {
        try {
          input = args.trim() === '' ? {} : (JSON.parse(args) as unknown);
        } catch {
          return { ok: false, content: 'invalid arguments: (arguments): not valid JSON' };
        }
      }
      let result: ToolResult;
      try {
        result = await tool.run(input, ctx);
      } catch (err) {
        // Tools should not throw; if one does, the model still gets an answer and the task lives.
        const message = err instanceof Error ? err.message : String(err);
        return { ok: false, content: `tool ${name} failed: ${message}` };
      }
      // Last line of defence for the model's context, whatever the tool itself capped.
      const capped = capContent(result.content, ctx.limits.maxOutputBytes);
      if (!capped.truncated) return result;
      return { ok: result.ok, content: capped.content, truncated: true };
    },
  };
}
