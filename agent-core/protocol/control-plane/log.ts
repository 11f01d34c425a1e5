import { z } from 'zod';

/**
 * Live output of a subscribed slot, best effort and not in the outbox. `offset` is the byte offset
 * of `data` in the deployment's log: a jump shows output the agent dropped under back-pressure.
 */
export const LogMessage = z.object({
  type: z.literal('log'),
  subscriptionId: z.string(),
  slotId: z.string(),
  deploymentId: z.string(),
  offset: z.number().int().min(0),
  data: z.string(),
});
export type LogMessage = z.infer<typeof LogMessage>;
