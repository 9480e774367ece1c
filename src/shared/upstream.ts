import { z } from 'zod';

/** One install sharing the budget (issue 15), as the monitor lists it. */
export const BudgetInstallSchema = z.object({
  /** Host name and data folder unless the user named it (Settings → Budget). */
  name: z.string(),
  /** This install. */
  self: z.boolean(),
  /** Heard from within seconds; otherwise away (stopped, crashed or cut off from Redis). */
  live: z.boolean(),
  /** Its starts still in the rolling window, and its calls in flight. */
  startsInWindow: z.number().int().nonnegative(),
  running: z.number().int().nonnegative(),
});
export type BudgetInstall = z.infer<typeof BudgetInstallSchema>;

/**
 * The budget shared with other installs through Redis (issue 15). While `shared`, the limiter's
 * counts are every install's together. While `offline` (Redis unreachable), this install runs
 * on `share`, the limit divided by the installs last seen, and the limiter's counts are its own.
 */
export const SharedBudgetStatusSchema = z.object({
  state: z.enum(['connecting', 'shared', 'offline']),
  /** The budget's name (installs with the same Redis and name share it). */
  budget: z.string(),
  /** Host and port of Redis (never a password). */
  server: z.string(),
  share: z
    .object({
      perWindow: z.number().int().positive(),
      maxConcurrent: z.number().int().positive(),
    })
    .nullable(),
  /** Since when Redis is unreachable (epoch ms); null while shared. */
  offlineSince: z.number().nullable(),
  /** Why, in words ("connection refused"); null while shared. */
  reason: z.string().nullable(),
  /** Window units held back for installs that went away and may be running on their share. */
  reserved: z.number().int().nonnegative(),
  installs: z.array(BudgetInstallSchema),
});
export type SharedBudgetStatus = z.infer<typeof SharedBudgetStatusSchema>;

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
    /** Set when the budget is shared through Redis (Settings → Budget, CLAWDESK_REDIS_URL). */
    shared: SharedBudgetStatusSchema.optional(),
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
