import { BerthError } from '../protocol';
import type { CommandName, CommandPayload, CommandResult } from '../protocol/control-plane';
import type { SlotSpec } from '../protocol';
import type { JobContext, SlotController, SlotManager } from '../slots';
import type { LogChannel, LogSubscriptions } from './log-subscriptions';

/** The most log text one `slot.logs` result carries; a longer log comes back truncated to its end. */
export const MAX_LOG_RESULT_BYTES = 256 * 1024;
// Escaped for JSON (a control character becomes six bytes) the text must still fit a 1 MiB frame.
const MAX_LOG_RESULT_JSON_BYTES = 900 * 1024;

export interface HandlerContext {
  /** The job this command is on its slot's queue: its id is the command id, its steps go out as `progress`. */
  job: JobContext;
  slots: SlotManager;
  logs: LogSubscriptions;
  logChannel: LogChannel;
  hostStatus(): Promise<CommandResult<'host.status'>>;
}

/**
 * How the agent runs one command. `run` puts the work on the slot's queue before its first `await`
 * (it is synchronous up to there), so the slot's queue sees the commands in the order received.
 */
export interface CommandHandler<N extends CommandName> {
  /** The slot the command works on, or null for a host-wide command. */
  slotId(payload: CommandPayload<N>): string | null;
  /** The workspaces the command touches, checked against the allowlist; throws NOT_FOUND for a missing slot. */
  workspaces(payload: CommandPayload<N>, slots: SlotManager): string[];
  run(payload: CommandPayload<N>, context: HandlerContext): Promise<CommandResult<N>>;
}

type Handlers = { [N in CommandName]: CommandHandler<N> };

/** For commands that carry the full spec: the pushed workspace, and the stored one if the slot exists. */
function specWorkspaces(payload: { slot: { id: string; workspace: string } }, slots: SlotManager): string[] {
  const existing = slots.get(payload.slot.id);
  return existing ? [payload.slot.workspace, existing.currentSpec.workspace] : [payload.slot.workspace];
}

function slotWorkspace(payload: { slotId: string }, slots: SlotManager): string[] {
  return [slots.require(payload.slotId).currentSpec.workspace];
}

/** The pushed spec becomes the slot's last one, and the job carries it: the action runs with it from start to end. */
function withSpec(payload: { slot: SlotSpec }, context: HandlerContext): { controller: SlotController; job: JobContext } {
  const { controller } = context.slots.accept(payload.slot, 'server');
  return { controller, job: { ...context.job, spec: payload.slot } };
}

function slotOf(context: HandlerContext, slotId: string): SlotController {
  return context.slots.require(slotId);
}

export const HANDLERS: Handlers = {
  'slot.deploy': {
    slotId: (payload) => payload.slot.id,
    workspaces: specWorkspaces,
    run: (payload, context) => {
      const { controller, job } = withSpec(payload, context);
      return controller.deploy({ source: payload.source, promote: payload.promote, note: payload.note ?? null, trigger: 'server' }, job);
    },
  },
  'slot.batchDeploy': {
    slotId: (payload) => payload.slot.id,
    workspaces: specWorkspaces,
    run: async (payload, context) => {
      const { controller, job } = withSpec(payload, context);
      const done = controller.deploy(
        {
          source: { kind: 'git', branch: payload.starterBranch },
          promote: payload.promote,
          trigger: 'server',
          batch: { starterBranch: payload.starterBranch, branches: payload.branches },
        },
        job,
      );
      const deployment = await done;
      return { ...deployment, merged: deployment.merged ?? [], skipped: deployment.skipped ?? [] };
    },
  },
  'slot.start': {
    slotId: (payload) => payload.slot.id,
    workspaces: specWorkspaces,
    run: (payload, context) => {
      const { controller, job } = withSpec(payload, context);
      return controller.start(job);
    },
  },
  'slot.stop': {
    slotId: (payload) => payload.slot.id,
    workspaces: specWorkspaces,
    run: (payload, context) => {
      const { controller, job } = withSpec(payload, context);
      return controller.stop(job);
    },
  },
  'slot.restart': {
    slotId: (payload) => payload.slot.id,
    workspaces: specWorkspaces,
    run: (payload, context) => {
      const { controller, job } = withSpec(payload, context);
      return controller.restart(job);
    },
  },
  'slot.promote': {
    slotId: (payload) => payload.slotId,
    workspaces: slotWorkspace,
    run: (payload, context) => slotOf(context, payload.slotId).promote(payload.deploymentId, context.job, 'server'),
  },
  'slot.rollback': {
    slotId: (payload) => payload.slotId,
    workspaces: slotWorkspace,
    run: (payload, context) => slotOf(context, payload.slotId).rollback(payload.deploymentId ?? undefined, context.job),
  },
  'slot.remove': {
    slotId: (payload) => payload.slotId,
    workspaces: slotWorkspace,
    run: async (payload, context) => {
      // The slot's deployments are cancelled at once; what else was received before the removal finishes first.
      await slotOf(context, payload.slotId).removal(context.job);
      context.logs.closeForSlot(payload.slotId);
      await context.slots.remove(payload.slotId, `cancelled by slot.remove (${context.job.id})`);
      return {};
    },
  },
  'slot.logs': {
    slotId: (payload) => payload.slotId,
    workspaces: slotWorkspace,
    run: async (payload, context) => {
      const controller = slotOf(context, payload.slotId);
      let tailBytes = Math.min(payload.tailBytes ?? MAX_LOG_RESULT_BYTES, MAX_LOG_RESULT_BYTES);
      for (;;) {
        const log = await controller.readLogs({ deploymentId: payload.deploymentId ?? undefined, which: payload.which, tailBytes });
        if (Buffer.byteLength(JSON.stringify(log.text), 'utf8') <= MAX_LOG_RESULT_JSON_BYTES || tailBytes < 1024) return log;
        tailBytes = Math.floor(tailBytes / 2);
      }
    },
  },
  'slot.logs.subscribe': {
    slotId: (payload) => payload.slotId,
    workspaces: slotWorkspace,
    run: async (payload, context) => {
      context.logs.subscribe(payload.subscriptionId, payload.slotId, context.logChannel, {
        deploymentId: payload.deploymentId ?? undefined,
        fromOffset: payload.fromOffset,
      });
      return {};
    },
  },
  'slot.logs.unsubscribe': {
    slotId: () => null,
    workspaces: () => [],
    run: async (payload, context) => {
      context.logs.unsubscribe(payload.subscriptionId);
      return {};
    },
  },
  'slot.metrics': {
    slotId: (payload) => payload.slotId,
    workspaces: slotWorkspace,
    run: async (payload, context) => slotOf(context, payload.slotId).metrics(payload.windowSeconds),
  },
  'deployments.list': {
    slotId: (payload) => payload.slotId,
    workspaces: slotWorkspace,
    run: async (payload, context) => ({ deployments: slotOf(context, payload.slotId).deployments() }),
  },
  'deployments.delete': {
    slotId: (payload) => payload.slotId,
    workspaces: slotWorkspace,
    run: async (payload, context) => slotOf(context, payload.slotId).deleteDeployment(payload.deploymentId),
  },
  'host.status': {
    slotId: () => null,
    workspaces: () => [],
    run: (_payload, context) => context.hostStatus(),
  },
};

export function notAllowed(workspace: string): BerthError {
  return new BerthError(
    'WORKSPACE_NOT_ALLOWED',
    `this host does not run commands for workspace '${workspace}'; add the workspace to the host's allowlist on the server`,
  );
}
