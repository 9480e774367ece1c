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
  }),
  breaker: z.object({
    state: z.enum(['closed', 'open', 'half_open']),
    consecutiveFailures: z.number().int().nonnegative(),
    openedAt: z.number().nullable(),
    retryAt: z.number().nullable(),
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
});
export type QueueSlot = z.infer<typeof QueueSlotSchema>;
