import { z } from 'zod';
import { ErrorCode } from './errors';
import { ContentHash, Source } from './source';
import { Color } from './slot-status';

export const DeploymentState = z.enum(['queued', 'preparing', 'building', 'starting', 'ready', 'failed', 'stopped']);
export type DeploymentState = z.infer<typeof DeploymentState>;

export const DeploymentTrigger = z.enum(['server', 'local', 'restore', 'rollback']);
export type DeploymentTrigger = z.infer<typeof DeploymentTrigger>;

export const SkippedBranch = z.object({ branch: z.string(), reason: z.string() });

/** One field of the template or the variables that differs from the deployment before; values as JSON text, secrets never. */
export const SpecChange = z.object({ field: z.string(), before: z.string().nullable(), after: z.string().nullable() });
export type SpecChange = z.infer<typeof SpecChange>;

export const Deployment = z.object({
  id: z.string(),
  slotId: z.string(),
  status: DeploymentState,
  color: Color.nullable(),
  source: Source,
  contentHash: ContentHash.nullable(),
  isProduction: z.boolean(),
  port: z.number().int().nullable(),
  createdAt: z.string(),
  readyAt: z.string().nullable(),
  promotedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  error: z.string().nullable(),
  commandId: z.string().nullable(),
  /** Berth extension: the code of `error` (GUARD_TRIPPED, HEALTH_CHECK_FAILED, …), for a program to act on. */
  errorCode: ErrorCode.nullable().optional(),
  /** Berth extensions, for people reading the history. */
  trigger: DeploymentTrigger.optional(),
  note: z.string().nullable().optional(),
  commitSubject: z.string().nullable().optional(),
  merged: z.array(z.string()).optional(),
  skipped: z.array(SkippedBranch).optional(),
  /** What changed in the template and non-secret variables since the slot's deployment before this one. */
  changes: z.array(SpecChange).optional(),
});
export type Deployment = z.infer<typeof Deployment>;
