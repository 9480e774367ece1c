import { z } from 'zod';

/** The shared upstream budget as the UI shows it: limiter, circuit breaker, token. */
export const UpstreamStatusSchema = z.object({
  limiter: z.object({
    /** Starts in the last window, against `perWindow`. */
    startsInWindow: z.number().int().nonnegative(),
    perWindow: z.number().int().positive(),
    windowMs: z.number().int().positive(),
    running: z.number().int().nonnegative(),
    maxConcurrent: z.number().int().positive(),
    waiting: z.number().int().nonnegative(),
    /** After a 429: nobody starts before this (epoch ms). */
    pausedUntil: z.number().nullable(),
    /**
     * Who asked for the pause: `provider` when the model provider's rate limit came back through
     * OpenClaw after its own retries (an in-stream `rate_limit_error`, or a 429 without
     * Retry-After), `gateway` for a 429 with Retry-After. Null when not paused.
     */
    pauseCause: z.enum(['provider', 'gateway']).nullable().optional(),
  }),
  breaker: z.object({
    state: z.enum(['closed', 'open', 'half_open']),
    consecutiveFailures: z.number().int().nonnegative(),
    openedAt: z.number().nullable(),
    retryAt: z.number().nullable(),
  }),
  /**
   * Whether the gateway answers at all (issue 12). `down`: connections refused or reset, DNS
   * failing, 502/503/504 or OpenClaw restarting; tasks wait queued, spending no attempt, and one
   * health probe (never a user's message) decides when it is back.
   */
  gateway: z.object({
    state: z.enum(['up', 'down']),
    /** Scheme, host and port of the gateway (no path, no credentials). */
    origin: z.string(),
    /** When it stopped answering (epoch ms), null while up. */
    since: z.number().nullable(),
    /** When the next health probe goes (epoch ms), null while up. */
    nextProbeAt: z.number().nullable(),
    /** The last failure in words ("connection refused"), null while up. */
    reason: z.string().nullable(),
  }),
  auth: z.object({
    /** `rejected`: the gateway refused the token; tasks wait until it is fixed. */
    state: z.enum(['ok', 'rejected']),
    retryAt: z.number().nullable(),
  }),
});
export type UpstreamStatus = z.infer<typeof UpstreamStatusSchema>;

export const QueueSlotSchema = z.object({
  taskId: z.string(),
  /** 1 = next in line. */
  position: z.number().int().positive(),
  /** Rough wait before it starts, from the limiter's window and pause. */
  etaMs: z.number().nonnegative(),
  /**
   * OpenClaw runs one turn per session at a time, so a conversation's messages go one after the
   * other: while an earlier message of the same conversation is unfinished, this one waits for it
   * (`turnAhead` earlier messages, the nearest being `afterTaskId`), holding no worker or slot.
   */
  afterTaskId: z.string().optional(),
  turnAhead: z.number().int().positive().optional(),
});
export type QueueSlot = z.infer<typeof QueueSlotSchema>;
