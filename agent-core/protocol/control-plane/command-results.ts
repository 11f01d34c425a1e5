import { z } from 'zod';
import { Deployment, SkippedBranch } from '../deployment';
import { LogText } from '../log-text';
import { SlotStatus } from '../slot-status';
import { SlotMetrics } from '../traffic-metrics';
import type { CommandName } from './command-payloads';

const Empty = z.object({});

export const BatchDeployResult = Deployment.extend({ merged: z.array(z.string()), skipped: z.array(SkippedBranch) });

export const SlotLogsResult = LogText;

export const DeploymentsListResult = z.object({
  /** Newest first; soft-deleted deployments are left out. */
  deployments: z.array(Deployment),
});

export const HostStatusResult = z.object({
  version: z.string(),
  slots: z.array(SlotStatus),
  storage: z.object({ path: z.string(), freeBytes: z.number().int().min(0) }),
});

/** Every command name with the schema of the `data` of its successful result. */
export const COMMAND_RESULTS = {
  'slot.deploy': Deployment,
  'slot.batchDeploy': BatchDeployResult,
  'slot.start': SlotStatus,
  'slot.stop': SlotStatus,
  'slot.restart': SlotStatus,
  'slot.promote': Deployment,
  'slot.rollback': Deployment,
  'slot.remove': Empty,
  'slot.logs': SlotLogsResult,
  'slot.logs.subscribe': Empty,
  'slot.logs.unsubscribe': Empty,
  'slot.metrics': SlotMetrics,
  'deployments.list': DeploymentsListResult,
  'deployments.delete': Deployment,
  'host.status': HostStatusResult,
} as const satisfies Record<CommandName, z.ZodType>;

export type CommandResult<N extends CommandName> = z.infer<(typeof COMMAND_RESULTS)[N]>;
