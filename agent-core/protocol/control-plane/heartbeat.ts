import { z } from 'zod';
import { SlotStatus } from '../slot-status';

/** Sent every `heartbeatIntervalMs` after `welcome`; not in the outbox. */
export const HeartbeatMessage = z.object({
  type: z.literal('heartbeat'),
  ts: z.string(),
  slots: z.array(SlotStatus),
});
export type HeartbeatMessage = z.infer<typeof HeartbeatMessage>;
