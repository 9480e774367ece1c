import { z } from 'zod';
import { LaneSchema, TaskErrorSchema, TaskPhaseSchema, TaskStateSchema } from './task.ts';

/** One row of the task monitor: everything but the text, so 10,000 rows stay light. */
export const TaskSummarySchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  lane: LaneSchema,
  state: TaskStateSchema,
  /** The OpenClaw agent that runs it (issue 14: a conversation keeps its agent). */
  agentId: z.string().optional(),
  /** The prompt's first line, cut to 160 characters. */
  title: z.string(),
  attempts: z.number().int().nonnegative(),
  failures: z.number().int().nonnegative().optional(),
  maxAttempts: z.number().int().positive(),
  /** Characters of output so far. */
  outputChars: z.number().int().nonnegative(),
  error: TaskErrorSchema.nullable(),
  phase: TaskPhaseSchema.optional(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  updatedAt: z.number(),
  finishedAt: z.number().nullable(),
});
export type TaskSummary = z.infer<typeof TaskSummarySchema>;

export const TaskListParamsSchema = z
  .object({
    states: z.array(TaskStateSchema).max(8).optional(),
    lanes: z.array(LaneSchema).max(3).optional(),
    /** Only tasks run by these agents. */
    agents: z
      .array(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/))
      .max(20)
      .optional(),
    /** Words in the prompt or the output. */
    search: z.string().max(200).optional(),
    /** Newest first; the page after `before` (a task id). */
    before: z.string().max(64).optional(),
    limit: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();

export const ResourcesSchema = z.object({
  main: z.object({ rssBytes: z.number(), heapUsedBytes: z.number(), cpuPercent: z.number() }),
  workers: z.array(
    z.object({ pid: z.number().nullable(), rssBytes: z.number(), busy: z.boolean() }),
  ),
  disk: z.object({ path: z.string(), freeBytes: z.number(), totalBytes: z.number() }),
  /** Free disk under 1 GiB or 5 %: the UI warns. */
  lowDisk: z.boolean(),
});
export type Resources = z.infer<typeof ResourcesSchema>;
