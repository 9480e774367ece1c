import { z } from 'zod';
import {
  ConversationViewSchema,
  LaneSchema,
  MAX_INPUT_CHARS,
  TaskViewSchema,
  ToolCallViewSchema,
} from './task.ts';
import { QueueSlotSchema, UpstreamStatusSchema } from './upstream.ts';
import {
  ResourceAlertSchema,
  ResourcesSchema,
  TaskListParamsSchema,
  TaskSummarySchema,
} from './monitor.ts';
import { SettingsPatchSchema, SettingsViewSchema } from './settings.ts';
import { StorageProblemSchema } from './storage.ts';
import { GatewayCheckParamsSchema, GatewayCheckSchema } from './gateway-check.ts';

const taskRef = z.object({ taskId: z.string().min(1).max(64) }).strict();

/** The most tasks one `chat.history` page may ask for. */
export const HISTORY_PAGE_MAX = 1000;

/**
 * The one IPC contract: every command the renderer can invoke, with the zod schemas of its
 * params and result. Electron IPC (channel `clawdesk:<method>`), the headless WebSocket bridge
 * and the renderer's typed client are all derived from this table.
 */
export const apiContract = {
  'conversations.list': {
    params: z.object({}).strict(),
    result: z.array(ConversationViewSchema),
  },
  'conversations.rename': {
    params: z
      .object({
        conversationId: z.string().min(1).max(64),
        title: z
          .string()
          .refine((t) => t.trim().length > 0, 'title is empty')
          .refine((t) => t.length <= 200, 'title is longer than 200 characters'),
      })
      .strict(),
    result: ConversationViewSchema,
  },
  /** Cancels the conversation's unfinished tasks, then deletes it and its history. */
  'conversations.delete': {
    params: z.object({ conversationId: z.string().min(1).max(64) }).strict(),
    result: z.object({ deletedTasks: z.number().int().nonnegative() }),
  },
  /**
   * A conversation's tasks, oldest first. Without `limit`, all of them (an export). With it, a
   * page: the latest `limit` tasks, or the `limit` created just before task `before`, which
   * must be one of this conversation's (a long conversation opens without sending it whole).
   */
  'chat.history': {
    params: z
      .object({
        conversationId: z.string().min(1).max(64),
        limit: z.number().int().min(1).max(HISTORY_PAGE_MAX).optional(),
        before: z.string().min(1).max(64).optional(),
      })
      .strict(),
    result: z.array(TaskViewSchema),
  },
  'chat.send': {
    params: z
      .object({
        /** Omitted: start a new conversation titled after the message. */
        conversationId: z.string().min(1).max(64).optional(),
        text: z
          .string()
          .refine((t) => t.trim().length > 0, 'message is empty')
          .refine((t) => t.length <= MAX_INPUT_CHARS, 'message is larger than 10 MB'),
        /** Chat messages default to `interactive`; "run as background task" sends `long`. */
        lane: LaneSchema.optional(),
        /**
         * The agent of a conversation this message starts (from the gateway's list); refused
         * with a conversationId, whose agent was chosen when it started.
         */
        agentId: z
          .string()
          .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'agent id: letters, digits, "_", "." or "-"')
          .optional(),
      })
      .strict(),
    result: z.object({ conversation: ConversationViewSchema, task: TaskViewSchema }),
  },
  'tasks.pause': { params: taskRef, result: TaskViewSchema },
  'tasks.resume': { params: taskRef, result: TaskViewSchema },
  'tasks.cancel': { params: taskRef, result: TaskViewSchema },
  'tasks.retry': { params: taskRef, result: TaskViewSchema },
  /** The user's answer to a tool call waiting for approval. */
  'tasks.approve': {
    params: z
      .object({
        taskId: z.string().min(1).max(64),
        toolCallId: z.string().min(1).max(200),
        approved: z.boolean(),
      })
      .strict(),
    result: TaskViewSchema,
  },
  /** The task monitor's rows, newest first, filtered. */
  'tasks.list': {
    params: TaskListParamsSchema,
    result: z.object({ tasks: z.array(TaskSummarySchema), total: z.number().int().nonnegative() }),
  },
  /** One task whole, output included (the monitor's detail pane). */
  'tasks.get': { params: taskRef, result: TaskViewSchema },
  'tasks.pauseAll': {
    params: z.object({}).strict(),
    result: z.object({ count: z.number().int().nonnegative() }),
  },
  'tasks.resumeAll': {
    params: z.object({}).strict(),
    result: z.object({ count: z.number().int().nonnegative() }),
  },
  'settings.get': { params: z.object({}).strict(), result: SettingsViewSchema },
  /** Validated as a whole; a refused change names the field and changes nothing. */
  'settings.update': { params: SettingsPatchSchema, result: SettingsViewSchema },
  'system.resources': { params: z.object({}).strict(), result: ResourcesSchema },
  /** Requests in the window, running calls, 429 pause, breaker, token: for the limiter panel. */
  'upstream.status': { params: z.object({}).strict(), result: UpstreamStatusSchema },
  /** Whether ClawDesk can save right now; `storage` events tell of every change after. */
  'storage.status': {
    params: z.object({}).strict(),
    result: z.object({ problem: StorageProblemSchema.nullable() }),
  },
  /** Place in line and a rough start time of queued tasks ("#37 — starts in about 50 s"). */
  'queue.positions': {
    params: z.object({ taskIds: z.array(z.string().min(1).max(64)).max(500) }).strict(),
    result: z.array(QueueSlotSchema),
  },
  /**
   * "Test connection": asks the gateway (`GET /v1/models`, then an empty chat request that
   * OpenClaw refuses without running anything) whether it answers, takes the token, serves
   * its OpenAI-compatible endpoint and knows the agent. Also lists the gateway's agents.
   */
  'gateway.check': { params: GatewayCheckParamsSchema, result: GatewayCheckSchema },
  /** The conversation on screen: its tasks go first within their lane. */
  'ui.focus': {
    params: z.object({ conversationId: z.string().min(1).max(64).nullable() }).strict(),
    result: z.object({}),
  },
} as const;

export type ApiMethod = keyof typeof apiContract;
export type ApiParams<M extends ApiMethod> = z.input<(typeof apiContract)[M]['params']>;
export type ApiResult<M extends ApiMethod> = z.infer<(typeof apiContract)[M]['result']>;
export const API_METHODS = Object.keys(apiContract) as ApiMethod[];

export const ipcChannel = (method: ApiMethod): string => `clawdesk:${method}`;
/** Main → preload: carries the MessagePort of the event stream. */
export const EVENT_PORT_CHANNEL = 'clawdesk:event-port';

/** The stream of task events main pushes to every window. */
export const TaskEventSchema = z.discriminatedUnion('type', [
  /** A task changed state (or was created): the whole view, output included. */
  z.object({ type: z.literal('task'), task: TaskViewSchema }),
  /** Streamed text; `offset` is the output length before it, so a client can drop overlaps. */
  z.object({
    type: z.literal('delta'),
    taskId: z.string(),
    conversationId: z.string(),
    offset: z.number().int().nonnegative(),
    text: z.string(),
  }),
  z.object({ type: z.literal('conversation'), conversation: ConversationViewSchema }),
  z.object({ type: z.literal('conversation-deleted'), conversationId: z.string() }),
  /** A tool call of a running task finished (or was refused). */
  z.object({
    type: z.literal('tool'),
    taskId: z.string(),
    conversationId: z.string(),
    call: ToolCallViewSchema,
  }),
  z.object({ type: z.literal('settings'), settings: SettingsViewSchema }),
  /** The shared budget changed (at most a few times a second). */
  z.object({ type: z.literal('upstream'), status: UpstreamStatusSchema }),
  /** Saving stopped working (the problem) or works again (null). */
  z.object({ type: z.literal('storage'), problem: StorageProblemSchema.nullable() }),
  /** The main process's guard: an alert began or ended; all those in force now. */
  z.object({ type: z.literal('resources'), alerts: z.array(ResourceAlertSchema) }),
]);
export type TaskEvent = z.infer<typeof TaskEventSchema>;

/**
 * Errors crossing a process boundary: a code the UI can switch on and a sentence for people.
 * `storage_unavailable`: nothing was changed because ClawDesk cannot save (disk full,
 * read-only); the `storage` event and `storage.status` say more.
 */
export const ApiErrorSchema = z.object({
  code: z.enum([
    'invalid_params',
    'not_found',
    'unknown_method',
    'refused',
    'storage_unavailable',
    'internal',
  ]),
  message: z.string(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

/** What every command handler answers: a result or a named error, never a thrown stack. */
export type ApiOutcome<M extends ApiMethod> =
  { ok: true; result: ApiResult<M> } | { ok: false; error: ApiError };

/** The typed API the renderer uses, whether preload or the WebSocket bridge provides it. */
export interface ClawDeskApi {
  invoke<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>>;
  /** Subscribe to task events; returns the unsubscribe function. */
  onEvent(listener: (event: TaskEvent) => void): () => void;
}

/** Thrown by a client when a command was refused; keeps the code for the UI. */
export class ApiCallError extends Error {
  readonly code: ApiError['code'];
  constructor(error: ApiError) {
    super(error.message);
    this.name = 'ApiCallError';
    this.code = error.code;
  }
}
