import { z } from 'zod';

export const SlotState = z.enum(['available', 'deploying', 'running', 'stopping', 'error']);
export type SlotState = z.infer<typeof SlotState>;

export const Color = z.enum(['blue', 'green']);
export type Color = z.infer<typeof Color>;

/** A color that was swapped out and still runs without traffic: a rollback to it is a swap until `until`. */
export const WarmColor = z.object({
  color: Color,
  deploymentId: z.string(),
  until: z.string(),
});
export type WarmColor = z.infer<typeof WarmColor>;

/** A guarded swap being watched: the new color's 5xx so far, against the limits of `traffic.guard`. */
export const GuardWatch = z.object({
  deploymentId: z.string(),
  /** The warm deployment it swaps back to. */
  previousDeploymentId: z.string(),
  until: z.string(),
  requests: z.number().int().nonnegative(),
  status5xx: z.number().int().nonnegative(),
  maxErrorRate: z.number(),
  minRequests: z.number().int(),
});
export type GuardWatch = z.infer<typeof GuardWatch>;

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
  /** Berth extension: the warm color, when one is kept (traffic.keepWarmMs). */
  warm: WarmColor.nullable().default(null),
  /** Berth extension: the guard watching the last swap (traffic.guard). */
  guard: GuardWatch.nullable().default(null),
});
export type SlotStatus = z.infer<typeof SlotStatus>;
