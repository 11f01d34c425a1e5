import { z } from 'zod';
import { SlotStatus } from '../slot-status';
import { Seq } from './seq';

/** A slot's status changed; the SlotStatus fields stand beside `type` and `seq`. */
export const SlotStatusMessage = z.object({ type: z.literal('slot.status'), seq: Seq }).extend(SlotStatus.shape);
export type SlotStatusMessage = z.infer<typeof SlotStatusMessage>;
