import { z } from 'zod';
import { SlotSpec } from '../slot-spec';
import { Source } from '../source';
import { METRICS_WINDOW_SECONDS } from '../traffic-metrics';

const SlotId = z.string().min(1);
const DeploymentId = z.string().min(1);

export const SlotDeployPayload = z.object({
  slot: SlotSpec,
  source: Source,
  promote: z.boolean().default(true),
  note: z.string().nullable().optional(),
});

export const SlotBatchDeployPayload = z.object({
  slot: SlotSpec,
  starterBranch: z.string().min(1),
  branches: z.array(z.string().min(1)),
  promote: z.boolean().default(true),
});

/** start, stop and restart carry the full spec: the server pushes the template and overrides with every action. */
export const SlotActionPayload = z.object({ slot: SlotSpec });

export const SlotPromotePayload = z.object({ slotId: SlotId, deploymentId: DeploymentId });

export const SlotRollbackPayload = z.object({
  slotId: SlotId,
  /** Default: the production deployment before the current one. */
  deploymentId: DeploymentId.nullable().optional(),
});

export const SlotRemovePayload = z.object({ slotId: SlotId });

export const SlotLogsPayload = z.object({
  slotId: SlotId,
  deploymentId: DeploymentId.nullable().optional(),
  /** Without a deploymentId: the latest deployment's log, or the last failed one's. */
  which: z.enum(['failure', 'latest']).default('latest'),
  tailBytes: z.number().int().positive().optional(),
});

export const SlotLogsSubscribePayload = z
  .object({
    slotId: SlotId,
    subscriptionId: z.string().min(1),
    /** Only this deployment's output; without it, the output of every deployment of the slot. */
    deploymentId: DeploymentId.nullable().optional(),
    /**
     * With `deploymentId`: first the stored output from this byte offset of its log (the `endOffset`
     * of a `slot.logs` read), then the live output, with no byte twice. Without it: from now on.
     */
    fromOffset: z.number().int().nonnegative().optional(),
  })
  .refine((payload) => payload.fromOffset === undefined || (payload.deploymentId ?? null) !== null, {
    message: 'fromOffset counts in one deployment\'s log: give its deploymentId too',
    path: ['fromOffset'],
  });

export const SlotLogsUnsubscribePayload = z.object({ subscriptionId: z.string().min(1) });

/** The last `windowSeconds` of the slot's traffic: 1 s steps up to 300 s, else 10 s steps. */
export const SlotMetricsPayload = z.object({ slotId: SlotId, windowSeconds: METRICS_WINDOW_SECONDS });

export const DeploymentsListPayload = z.object({ slotId: SlotId });

export const DeploymentsDeletePayload = z.object({ slotId: SlotId, deploymentId: DeploymentId });

export const HostStatusPayload = z.object({});

/** Every command name with the schema of its payload. */
export const COMMAND_PAYLOADS = {
  'slot.deploy': SlotDeployPayload,
  'slot.batchDeploy': SlotBatchDeployPayload,
  'slot.start': SlotActionPayload,
  'slot.stop': SlotActionPayload,
  'slot.restart': SlotActionPayload,
  'slot.promote': SlotPromotePayload,
  'slot.rollback': SlotRollbackPayload,
  'slot.remove': SlotRemovePayload,
  'slot.logs': SlotLogsPayload,
  'slot.logs.subscribe': SlotLogsSubscribePayload,
  'slot.logs.unsubscribe': SlotLogsUnsubscribePayload,
  'slot.metrics': SlotMetricsPayload,
  'deployments.list': DeploymentsListPayload,
  'deployments.delete': DeploymentsDeletePayload,
  'host.status': HostStatusPayload,
} as const;

export type CommandName = keyof typeof COMMAND_PAYLOADS;
export const COMMAND_NAMES = Object.keys(COMMAND_PAYLOADS) as CommandName[];
export type CommandPayload<N extends CommandName> = z.infer<(typeof COMMAND_PAYLOADS)[N]>;

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_PAYLOADS, name);
}
