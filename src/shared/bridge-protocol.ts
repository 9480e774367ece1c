import { z } from 'zod';
import { ApiErrorSchema, TaskEventSchema } from './ipc-contract.ts';

/**
 * Envelopes of the headless WebSocket bridge. A request names a method of `apiContract`;
 * its params are parsed against that method's schema by the server.
 */
export const BridgeRequestSchema = z
  .object({
    id: z.number().int().nonnegative(),
    method: z.string().max(100),
    params: z.unknown(),
  })
  .strict();
export type BridgeRequest = z.infer<typeof BridgeRequestSchema>;

export const BridgeServerMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('result'), id: z.number().int(), result: z.unknown() }),
  z.object({ kind: z.literal('error'), id: z.number().int().nullable(), error: ApiErrorSchema }),
  z.object({ kind: z.literal('event'), event: TaskEventSchema }),
]);
export type BridgeServerMessage = z.infer<typeof BridgeServerMessageSchema>;

/** Path of the bridge on the headless server; the token rides in the query, as Jupyter does. */
export const BRIDGE_PATH = '/bridge';
