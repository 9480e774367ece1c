import { z } from 'zod';

/**
 * "Test connection" (issue 14): what the gateway answered, as a problem the UI words exactly.
 * `unreachable`: nothing answers at the address; `endpoint_disabled`: OpenClaw answers 404 for
 * its OpenAI-compatible API (`gateway.http.endpoints.chatCompletions.enabled` is off);
 * `unauthorized`: the token was refused; `unknown_agent`: the gateway has no such agent;
 * `unexpected`: any other answer (its HTTP status says which).
 */
export const GatewayProblemSchema = z.enum([
  'unreachable',
  'endpoint_disabled',
  'unauthorized',
  'unknown_agent',
  'unexpected',
]);
export type GatewayCheckProblem = z.infer<typeof GatewayProblemSchema>;

export const GatewayCheckParamsSchema = z
  .object({
    /** What the form holds, unsaved; the saved settings when left out. */
    gatewayUrl: z
      .string()
      .max(2048)
      .refine(
        (u) => /^https?:\/\/[^\s]+$/.test(u),
        'gateway URL must start with http:// or https://',
      )
      .optional(),
    /** A token typed but not saved yet; the stored one when left out. Never echoed back. */
    token: z.string().max(4096).optional(),
    agentId: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'agent id: letters, digits, "_", "." or "-"')
      .optional(),
  })
  .strict();

export const GatewayCheckSchema = z.object({
  ok: z.boolean(),
  problem: GatewayProblemSchema.nullable(),
  /** The gateway's origin and path as tested (no credentials). */
  url: z.string(),
  agentId: z.string(),
  /** The HTTP status that decided, when there was one. */
  status: z.number().int().nullable(),
  /** The network failure in words ("connection refused"), for `unreachable`. */
  reason: z.string().nullable(),
  /** The agents the gateway serves (from `GET /v1/models`, ids `openclaw/<agentId>`). */
  agents: z.array(z.string()),
});
export type GatewayCheck = z.infer<typeof GatewayCheckSchema>;
