import type { Usage } from '../shared/task.ts';
import type { Job, JobTools, WorkerToMain } from '../shared/worker-protocol.ts';
import { policiesFor } from '../shared/worker-protocol.ts';
import type { ToolCall } from './tool-calls.ts';
import { createExecCommandTool } from './tools/exec-command.ts';
import { execPythonTool } from './tools/exec-python.ts';
import { fsTools } from './tools/fs-tools.ts';
import { createToolRegistry } from './tools/registry.ts';
import type { OpenAiTool, ToolRegistry } from './tools/registry.ts';
import { DEFAULT_TOOL_LIMITS, NO_SANDBOX, capContent } from './tools/types.ts';
import { UpstreamError } from './upstream-error.ts';
import type { ChatMessage, CompletionOutcome } from './v1-client.ts';

/**
 * The worker as an agent (issue 6): the model answers with tool calls, the worker runs them
 * (or asks the user, or refuses) and sends the results back in the same session, round after
 * round, until an answer without tool calls ends the run.
 */

/** Arguments and results in progress messages are cut so a huge file cannot flood main's store. */
const MAX_REPORTED_BYTES = 4000;

export interface UpstreamRequest {
  messages?: readonly ChatMessage[];
  tools?: readonly OpenAiTool[];
}

export interface AgentLoopDeps {
  job: Job;
  tools: JobTools;
  signal: AbortSignal;
  send: (message: WorkerToMain) => void;
  /** One upstream call with its own limiter slot (acquired and released by the caller). */
  call: (request: UpstreamRequest) => Promise<CompletionOutcome>;
  /** Sends nothing itself: resolves with main's answer to the approval request just sent. */
  approval: (toolCallId: string) => Promise<boolean>;
  /** Defaults to the built-in tools with the job's exec allowlist. */
  registry?: ToolRegistry;
}

export function defaultRegistry(tools: JobTools): ToolRegistry {
  return createToolRegistry([
    ...fsTools,
    createExecCommandTool(tools.allowlist ? { allowlist: tools.allowlist } : {}),
    execPythonTool,
  ]);
}

export async function runAgentLoop(deps: AgentLoopDeps): Promise<CompletionOutcome> {
  // Main already sends ask-only exec policies when there is no sandbox; the worker does not
  // rely on it, since it is the one that would run the process unconfined.
  const sandbox = deps.tools.sandbox ?? NO_SANDBOX;
  const tools = {
    ...deps.tools,
    sandbox,
    policies: policiesFor(deps.tools.policies, sandbox.kind),
  };
  deps = { ...deps, tools };
  const registry = deps.registry ?? defaultRegistry(tools);
  const offered = registry.definitions(tools.policies);
  let usage: Usage | null = null;
  let messages: ChatMessage[] | undefined;
  for (let round = 0; ; round++) {
    const outcome = await deps.call(messages ? { messages, tools: offered } : { tools: offered });
    usage = addUsage(usage, outcome.usage);
    const calls = outcome.toolCalls ?? [];
    if (calls.length === 0) return { usage, finishReason: outcome.finishReason };
    if (round >= tools.maxRounds) {
      throw new UpstreamError({
        code: 'upstream_error',
        message: `the agent asked for more than ${tools.maxRounds} tool rounds`,
        retryable: false,
      });
    }
    messages = [];
    for (const call of calls) {
      const content = await runToolCall(deps, registry, call);
      messages.push({ role: 'tool', tool_call_id: call.id, content });
    }
  }
}

type Decision = 'allowed' | 'approved' | 'denied';

/**
 * Whether a call may run: an unknown tool and the policy's deny refuse it (saying why, for the
 * model), ask waits for the user's Approve or Deny.
 */
async function decide(
  deps: AgentLoopDeps,
  registry: ToolRegistry,
  call: ToolCall,
  args: string,
): Promise<{ decision: Decision } | { denied: string }> {
  const { job } = deps;
  if (!registry.get(call.name)) {
    return { denied: `unknown tool ${call.name}; available: ${registry.names().join(', ')}` };
  }
  const policy = registry.policyOf(call.name, deps.tools.policies);
  if (policy === 'deny') return { denied: `tool ${call.name} denied by policy` };
  if (policy !== 'ask') return { decision: 'allowed' };
  const answer = deps.approval(call.id);
  deps.send({
    type: 'approval_request',
    taskId: job.taskId,
    attempt: job.attempt,
    toolCallId: call.id,
    name: call.name,
    args,
  });
  return (await answer)
    ? { decision: 'approved' }
    : { denied: `tool ${call.name} denied by the user` };
}

/** Decides, runs and reports one call; resolves with what goes back to the model. */
async function runToolCall(
  deps: AgentLoopDeps,
  registry: ToolRegistry,
  call: ToolCall,
): Promise<string> {
  const { tools, signal } = deps;
  const args = cut(call.arguments);
  const report = (decision: Decision, ok: boolean, result: string): void =>
    reportToolCall(deps, call, { decision, ok, result });
  throwIfAborted(signal);
  const verdict = await decide(deps, registry, call, args);
  if ('denied' in verdict) {
    report('denied', false, verdict.denied);
    return verdict.denied;
  }
  const { decision } = verdict;
  const result = await registry.run(call.name, call.arguments, {
    workspace: tools.workspace,
    signal,
    limits: DEFAULT_TOOL_LIMITS,
    sandbox: tools.sandbox ?? NO_SANDBOX,
  });
  // A tool cut short by an abort has nothing worth reporting: the run ends as aborted.
  throwIfAborted(signal);
  report(decision, result.ok, result.content);
  return result.content;
}

type ToolReport = Extract<WorkerToMain, { type: 'tool' }>;

/** Tells main what became of one tool call, its arguments and result cut to size. */
export function reportToolCall(
  deps: Pick<AgentLoopDeps, 'job' | 'send'>,
  call: ToolCall,
  outcome: Pick<ToolReport, 'decision' | 'ok' | 'result'>,
): void {
  deps.send({
    type: 'tool',
    taskId: deps.job.taskId,
    attempt: deps.job.attempt,
    toolCallId: call.id,
    name: call.name,
    args: cut(call.arguments),
    decision: outcome.decision,
    ok: outcome.ok,
    result: cut(outcome.result),
  });
}

function cut(text: string): string {
  return capContent(text, MAX_REPORTED_BYTES).content;
}

export function abortedError(message = 'the run was cancelled'): UpstreamError {
  return new UpstreamError({ code: 'aborted', message, retryable: false });
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortedError();
}

/** Tokens of every round together: the run cost all of them. */
export function addUsage(total: Usage | null, more: Usage | null): Usage | null {
  if (!total || !more) return total ?? more;
  const sum = (a?: number, b?: number): number | undefined =>
    a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
  return {
    promptTokens: sum(total.promptTokens, more.promptTokens),
    completionTokens: sum(total.completionTokens, more.completionTokens),
    totalTokens: sum(total.totalTokens, more.totalTokens),
  };
}
