import type { Usage } from '../shared/task.ts';
import type { Job, WorkerToMain } from '../shared/worker-protocol.ts';
import type { UpstreamRequest } from './agent-loop.ts';
import { addUsage, reportToolCall } from './agent-loop.ts';
import type { ChatMessage, CompletionOutcome } from './v1-client.ts';

/** What the model is told when it asks for a tool while ClawDesk's local tools are off. */
export const TOOLS_OFF_RESULT =
  "ClawDesk's local tools are off, so this tool was not run. Answer without it, and tell the " +
  'user they can turn tools on in ClawDesk under Settings → Tools if they want you to use them.';

/** Rounds of refusals at most: a model that keeps asking gets its last answer as it is. */
const MAX_REFUSALS = 3;

export interface ToolsOffDeps {
  job: Job;
  send: (message: WorkerToMain) => void;
  call: (request: UpstreamRequest) => Promise<CompletionOutcome>;
}

/**
 * A plain chat (local tools off) whose model still asks for a tool (issue 12): each call is
 * answered with a tool result saying the tools are off, so the model can still reply instead
 * of the run ending as an empty "Done"; each is reported (`tools_off`) for the chat's note.
 */
export async function chatWithToolsOff(deps: ToolsOffDeps): Promise<CompletionOutcome> {
  let usage: Usage | null = null;
  let messages: ChatMessage[] | undefined;
  for (let round = 0; ; round++) {
    const outcome = await deps.call(messages ? { messages } : {});
    usage = addUsage(usage, outcome.usage);
    const calls = outcome.toolCalls ?? [];
    if (calls.length === 0 || round >= MAX_REFUSALS) {
      return { usage, finishReason: outcome.finishReason };
    }
    messages = calls.map((call) => {
      reportToolCall(deps, call, { decision: 'tools_off', ok: false, result: TOOLS_OFF_RESULT });
      return { role: 'tool' as const, tool_call_id: call.id, content: TOOLS_OFF_RESULT };
    });
  }
}
