import { z } from 'zod';
import { Seq } from './seq';

/** A command was received, recorded and queued. */
export const AcceptedMessage = z.object({
  type: z.literal('accepted'),
  seq: Seq,
  commandId: z.string(),
});
export type AcceptedMessage = z.infer<typeof AcceptedMessage>;
