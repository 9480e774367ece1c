import { z } from 'zod';
import { ToolSandboxKindSchema, type ToolSandboxKind } from './settings.ts';
import { TaskErrorSchema, ToolDecisionSchema, UsageSchema } from './task.ts';

/**
 * Messages between main and a worker process (Electron utilityProcess or child_process.fork).
 * Both sides parse what they receive with these schemas: a worker is a separate process and
 * its messages are input like any other.
 */

export const GatewayConfigSchema = z.object({
  /** Base URL of the OpenClaw gateway, e.g. http://127.0.0.1:18790 */
  url: z.string().url(),
  token: z.string(),
  agentId: z.string().min(1),
});
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;

export const JobTimeoutsSchema = z.object({
  /** Until the response headers arrive. */
  headersMs: z.number().int().positive(),
  /** Longest silence allowed between two bytes of the body (OpenClaw sends no keep-alive). */
  stallMs: z.number().int().positive(),
  /** Whole run, headers to [DONE]. */
  totalMs: z.number().int().positive(),
});
export type JobTimeouts = z.infer<typeof JobTimeoutsSchema>;

export const ToolPolicySchema = z.enum(['allow', 'ask', 'deny']);

/**
 * How exec tools are confined (issue 13). `kind` is what main found on this machine; `hidden`
 * are folders never visible inside the sandbox (the data folder); `network` names the exec tools
 * whose processes may use the network. Absent: `none`, which makes exec tools ask-only.
 */
export const ToolSandboxSchema = z.object({
  kind: ToolSandboxKindSchema,
  hidden: z.array(z.string()),
  network: z.array(z.string()),
});
export type ToolSandbox = z.infer<typeof ToolSandboxSchema>;

/** The tools that run processes: confined by the OS sandbox, ask-only where there is none. */
export const EXEC_TOOL_NAMES: readonly string[] = ['exec_command', 'exec_python'];

/**
 * Policies as they apply on a machine with sandbox `kind`: without one, an exec call would run
 * unconfined, so `allow` becomes `ask` (main and the worker both apply this; the UI only shows it).
 */
export function policiesFor(
  policies: Readonly<Record<string, 'allow' | 'ask' | 'deny'>>,
  kind: ToolSandboxKind,
): Record<string, 'allow' | 'ask' | 'deny'> {
  const result = { ...policies };
  if (kind !== 'none') return result;
  for (const name of EXEC_TOOL_NAMES) if (result[name] === 'allow') result[name] = 'ask';
  return result;
}

/**
 * Local tools offered to the agent for this run (issue 6). Absent: no tools, a plain chat.
 * Paths resolve inside `workspace`; `policies` override each tool's default (allow/ask/deny).
 */
export const JobToolsSchema = z.object({
  workspace: z.string().min(1),
  policies: z.record(z.string(), ToolPolicySchema),
  /** Programs exec_command may run; absent: the built-in list. */
  allowlist: z.array(z.string()).optional(),
  /** Tool rounds per run at most (each is one more upstream call). */
  maxRounds: z.number().int().positive(),
  sandbox: ToolSandboxSchema.optional(),
});
export type JobTools = z.infer<typeof JobToolsSchema>;

export const JobSchema = z.object({
  taskId: z.string(),
  attempt: z.number().int().positive(),
  /** Only the new user message: OpenClaw keeps the history for the session key. */
  text: z.string(),
  sessionKey: z.string().min(1),
  gateway: GatewayConfigSchema,
  timeouts: JobTimeoutsSchema,
  tools: JobToolsSchema.optional(),
  /**
   * An earlier run of this turn reached OpenClaw (it accepted the request at `since`, epoch ms)
   * and was cut. OpenClaw keeps such a turn and may re-run it itself after a restart, so the
   * worker reads the session's transcript first and takes OpenClaw's answer instead of sending
   * the message twice (issue 12). `runIds`: the `chatcmpl_…` ids OpenClaw gave those runs.
   */
  resume: z.object({ since: z.number(), runIds: z.array(z.string()) }).optional(),
});
export type Job = z.infer<typeof JobSchema>;

/**
 * How one upstream call ended, as the shared rate limiter and circuit breaker see it: a 429
 * pauses everyone, server and network errors count towards the breaker, a refused token
 * stops dispatch, a client error (4xx) or an abort says nothing about upstream health.
 */
export const CallOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ok') }),
  z.object({
    kind: z.literal('rate_limited'),
    retryAfterMs: z.number().int().nonnegative().nullable(),
    /**
     * The model provider's limit, reported by OpenClaw after its own minutes of retries (in the
     * stream, or a 429 without Retry-After): the whole budget pauses a minute or more.
     */
    provider: z.boolean().optional(),
  }),
  z.object({ kind: z.literal('server_error') }),
  z.object({ kind: z.literal('network_error') }),
  /**
   * The gateway is away: connection refused or reset before an answer, DNS failing, 502/503/504,
   * OpenClaw restarting. It pauses dispatch until the health probe sees the gateway again.
   */
  z.object({ kind: z.literal('unavailable'), reason: z.string() }),
  z.object({ kind: z.literal('auth_error') }),
  z.object({ kind: z.literal('client_error') }),
  z.object({ kind: z.literal('aborted') }),
]);
export type CallOutcome = z.infer<typeof CallOutcomeSchema>;

const callRef = {
  taskId: z.string(),
  attempt: z.number().int().positive(),
  /** Numbers the upstream calls of one run: a tool-using task makes several. */
  callId: z.number().int().nonnegative(),
};

export const MainToWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run'), job: JobSchema }),
  /** The limiter's answer to `acquire`: this call may start now. */
  z.object({ type: z.literal('granted'), ...callRef }),
  z.object({ type: z.literal('abort'), taskId: z.string(), attempt: z.number().int().positive() }),
  /** The user's answer to an `approval_request`. */
  z.object({
    type: z.literal('approval'),
    taskId: z.string(),
    attempt: z.number().int().positive(),
    toolCallId: z.string(),
    approved: z.boolean(),
  }),
  z.object({ type: z.literal('shutdown') }),
]);
export type MainToWorker = z.infer<typeof MainToWorkerSchema>;

const jobRef = { taskId: z.string(), attempt: z.number().int().positive() };

export const WorkerToMainSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), pid: z.number().int() }),
  /** Sent every second whatever the worker does: a worker that stops sending it is hung. */
  z.object({ type: z.literal('heartbeat'), rssBytes: z.number().int().nonnegative() }),
  /** Before each upstream call: a slot of the shared budget, please. */
  z.object({ type: z.literal('acquire'), ...callRef }),
  /** After each upstream call: the slot is free again, and how the call went. */
  z.object({ type: z.literal('release'), ...callRef, outcome: CallOutcomeSchema }),
  z.object({ type: z.literal('delta'), ...jobRef, text: z.string() }),
  /**
   * OpenClaw accepted this run's request (a 200 came back): from now on the turn is in its
   * session, so a later attempt checks the transcript before sending it again.
   */
  z.object({
    type: z.literal('accepted'),
    ...jobRef,
    /** OpenClaw's run id (`chatcmpl_…`, the stream's `id`), when the first chunk named one. */
    runId: z.string().nullable(),
    at: z.number(),
  }),
  /** A tool the agent asked for under an `ask` policy: the run waits for `approval`. */
  z.object({
    type: z.literal('approval_request'),
    ...jobRef,
    toolCallId: z.string(),
    name: z.string(),
    /** The call's arguments as the model sent them (JSON text, cut to 4 KB). */
    args: z.string(),
  }),
  /** One tool call done (or refused), for the task's progress; texts cut to 4 KB. */
  z.object({
    type: z.literal('tool'),
    ...jobRef,
    toolCallId: z.string(),
    name: z.string(),
    args: z.string(),
    decision: ToolDecisionSchema,
    ok: z.boolean(),
    result: z.string(),
  }),
  z.object({
    type: z.literal('succeeded'),
    ...jobRef,
    usage: UsageSchema.nullable(),
    finishReason: z.string().nullable(),
  }),
  z.object({
    type: z.literal('failed'),
    ...jobRef,
    error: TaskErrorSchema,
    /** Worth another attempt (network, 5xx, stall); false for a refused token or bad request. */
    retryable: z.boolean(),
    status: z.number().int().nullable(),
    /** From the gateway's Retry-After / retry-after-ms on a 429, when it gave one. */
    retryAfterMs: z.number().int().nonnegative().nullable().default(null),
    /**
     * The gateway was away (see CallOutcome `unavailable`), or the run was cut by the gateway
     * going away: the task waits for it, spending no attempt.
     */
    outage: z.boolean().default(false),
  }),
]);
export type WorkerToMain = z.infer<typeof WorkerToMainSchema>;
