import { z } from 'zod';

/** Cancels a queued command, or stops a running one at its next safe point; its result is then CANCELLED. */
export const CancelMessage = z.object({
  type: z.literal('cancel'),
  commandId: z.string().min(1),
});
export type CancelMessage = z.infer<typeof CancelMessage>;
