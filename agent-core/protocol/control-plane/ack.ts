import { z } from 'zod';

/** Cumulative: the server has stored every agent message up to and including `seq`. */
export const AckMessage = z.object({
  type: z.literal('ack'),
  seq: z.number().int().min(0),
});
export type AckMessage = z.infer<typeof AckMessage>;
