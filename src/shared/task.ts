import { z } from 'zod';

/** Task lifecycle (DESIGN.md "Tasks"). `interrupted` = was running when the app died. */
export const TaskStateSchema = z.enum([
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'timed_out',
  'paused',
  'interrupted',
]);
export type TaskState = z.infer<typeof TaskStateSchema>;

export const TERMINAL_STATES: readonly TaskState[] = [
  'succeeded',
  'failed',
  'cancelled',
  'timed_out',
];

export const LaneSchema = z.enum(['interactive', 'short', 'long']);
export type Lane = z.infer<typeof LaneSchema>;

/** Error codes a user can act on; the message says what happened in words. */
export const ErrorCodeSchema = z.enum([
  'gateway_unreachable',
  'unauthorized',
  'rate_limited',
  'upstream_error',
  'stream_error',
  'stall_timeout',
  'timeout',
  'bad_response',
  'aborted',
  'worker_crashed',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const TaskErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
});
export type TaskError = z.infer<typeof TaskErrorSchema>;

export const UsageSchema = z.object({
  promptTokens: z.number().int().nonnegative().optional(),
  completionTokens: z.number().int().nonnegative().optional(),
  totalTokens: z.number().int().nonnegative().optional(),
});
export type Usage = z.infer<typeof UsageSchema>;

/**
 * What a running task waits for, when it waits: a slot of the shared rate limit; the model's
 * first byte once the request is with OpenClaw (`thinking`: OpenClaw sends nothing while its
 * provider thinks); the user's Approve or Deny of a tool call; or, after a run was cut, OpenClaw's
 * own answer to that turn (`recovering`: OpenClaw re-runs a turn cut by its restart, so ClawDesk
 * reads the session's transcript before it sends anything again).
 */
export const TaskPhaseSchema = z.enum([
  'waiting_for_rate_limit',
  'thinking',
  'waiting_approval',
  'recovering',
]);

/**
 * How a tool call was decided: run under an `allow` policy, approved or denied by the user (or
 * denied by policy), or `tools_off`: the model asked for a tool while ClawDesk's local tools are
 * off, and was told so (the chat links to Settings → Tools).
 */
export const ToolDecisionSchema = z.enum(['allowed', 'approved', 'denied', 'tools_off']);
export type ToolDecision = z.infer<typeof ToolDecisionSchema>;

/** One local tool call of an agent run (issue 6), arguments and result cut to 4 KB. */
export const ToolCallViewSchema = z.object({
  toolCallId: z.string(),
  name: z.string(),
  args: z.string(),
  decision: ToolDecisionSchema,
  ok: z.boolean(),
  result: z.string(),
  at: z.number(),
});
export type ToolCallView = z.infer<typeof ToolCallViewSchema>;

export const PendingApprovalSchema = z.object({
  toolCallId: z.string(),
  name: z.string(),
  args: z.string(),
});
export type PendingApproval = z.infer<typeof PendingApprovalSchema>;
export type TaskPhase = z.infer<typeof TaskPhaseSchema>;

/** What the UI sees of a task. Timestamps are epoch milliseconds. */
export const TaskViewSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  lane: LaneSchema,
  state: TaskStateSchema,
  /** The OpenClaw agent that runs it (its conversation's, issue 14). */
  agentId: z.string().optional(),
  prompt: z.string(),
  output: z.string(),
  error: TaskErrorSchema.nullable(),
  /** Runs started (pauses and user retries included). */
  attempts: z.number().int().nonnegative(),
  /** Runs that failed since the last user retry: what `maxAttempts` limits. */
  failures: z.number().int().nonnegative().optional(),
  maxAttempts: z.number().int().positive(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** When its latest run started (null before the first). */
  startedAt: z.number().nullable().optional(),
  finishedAt: z.number().nullable(),
  /**
   * What a running task waits for, when it waits: a slot of the shared rate limit, or the
   * gateway's first byte (its model thinking). Absent otherwise.
   */
  phase: TaskPhaseSchema.optional(),
  /** The tool call waiting for the user's decision, while phase is waiting_approval. */
  pendingApproval: PendingApprovalSchema.optional(),
  /**
   * The text shown is what a run streamed before it was cut (gateway restart, ClawDesk stopped):
   * kept visible, marked interrupted, until the next run's first text replaces it.
   */
  outputInterrupted: z.boolean().optional(),
  /** The run's tool calls, oldest first (in `tasks.get` only). */
  toolCalls: z.array(ToolCallViewSchema).optional(),
});
export type TaskView = z.infer<typeof TaskViewSchema>;

export const ConversationViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  /**
   * The OpenClaw agent the conversation talks to, chosen when it started (issue 14); null or
   * absent: the agent in the settings.
   */
  agentId: z.string().nullable().optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type ConversationView = z.infer<typeof ConversationViewSchema>;

/** Upper bound of one chat message, so a paste cannot fill the database (DESIGN.md: 10 MB input). */
export const MAX_INPUT_CHARS = 10 * 1024 * 1024;
