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

/**
 * The main process's guard (issue 13): its memory passed the limit set in Settings, or the
 * disk holding the data folder has less free space than Settings asks for. An alert lasts
 * from crossing the limit until the reading is back well inside it (an episode).
 */
export const ResourceAlertSchema = z.object({
  kind: z.enum(['memory', 'disk']),
  /** Main's resident memory, or the disk's free space, at the last reading. */
  valueBytes: z.number(),
  /** The limit from Settings: most memory, or least free space. */
  limitBytes: z.number(),
  /** The data folder (disk alerts). */
  path: z.string(),
  /** Epoch ms the episode began. */
  since: z.number(),
});
export type ResourceAlert = z.infer<typeof ResourceAlertSchema>;

export const ResourcesSchema = z.object({
  main: z.object({ rssBytes: z.number(), heapUsedBytes: z.number(), cpuPercent: z.number() }),
  workers: z.array(
    z.object({ pid: z.number().nullable(), rssBytes: z.number(), busy: z.boolean() }),
  ),
  disk: z.object({ path: z.string(), freeBytes: z.number(), totalBytes: z.number() }),
  /** Free disk under the minimum set in Settings (a `disk` alert): the UI warns. */
  lowDisk: z.boolean(),
  /** The guard's alerts now in force, oldest first. */
  alerts: z.array(ResourceAlertSchema),
});
export type Resources = z.infer<typeof ResourcesSchema>;
