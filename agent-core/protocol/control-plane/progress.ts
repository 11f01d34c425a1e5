import { z } from 'zod';
import { Seq } from './seq';

/** One step of a running command. A batch deploy names the branch each merge step is about. */
export const ProgressMessage = z.object({
  type: z.literal('progress'),
  seq: Seq,
  commandId: z.string(),
  step: z.string(),
  message: z.string(),
  branch: z.string().optional(),
  outcome: z.enum(['merged', 'skipped']).optional(),
});
export type ProgressMessage = z.infer<typeof ProgressMessage>;
