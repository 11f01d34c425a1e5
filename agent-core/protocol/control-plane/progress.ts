import { z } from 'zod';
import { CommandStep } from '../command-step';
import { Seq } from './seq';

/**
 * One step of a running command. A batch deploy names the branch each merge step is about; a step
 * about one of the template's commands (`step: 'command'`) carries it typed in `command`.
 */
export const ProgressMessage = z.object({
  type: z.literal('progress'),
  seq: Seq,
  commandId: z.string(),
  step: z.string(),
  message: z.string(),
  branch: z.string().optional(),
  outcome: z.enum(['merged', 'skipped']).optional(),
  command: CommandStep.optional(),
});
export type ProgressMessage = z.infer<typeof ProgressMessage>;
