import { z } from 'zod';

export const SlotState = z.enum(['available', 'deploying', 'running', 'stopping', 'error']);
export type SlotState = z.infer<typeof SlotState>;

export const Color = z.enum(['blue', 'green']);
export type Color = z.infer<typeof Color>;

export const SlotStatus = z.object({
  slotId: z.string(),
  name: z.string(),
  workspace: z.string(),
  status: SlotState,
  liveColor: Color.nullable(),
  productionDeploymentId: z.string().nullable(),
  previewDeploymentIds: z.array(z.string()),
  url: z.string().nullable(),
  error: z.string().nullable(),
  updatedAt: z.string(),
});
export type SlotStatus = z.infer<typeof SlotStatus>;
