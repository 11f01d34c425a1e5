import { randomUUID } from 'node:crypto';
import { BerthError, type Source } from '../protocol';
import { localJob, type JobContext, type SlotController } from '../slots';
import type { HandlerContext, HandlerTable } from './handler-table';

type SlotMethods =
  | 'slot.start'
  | 'slot.stop'
  | 'slot.restart'
  | 'slot.deploy'
  | 'slot.promote'
  | 'slot.rollback'
  | 'deployments.list'
  | 'deployments.delete'
  | 'logs.read'
  | 'logs.subscribe'
  | 'logs.unsubscribe';

/** The calls that act on one slot: lifecycle, deployments and logs. They work on server slots and local slots alike. */
export function slotHandlers(context: HandlerContext): Pick<HandlerTable, SlotMethods> {
  const find = (reference: string): SlotController => context.agent.slots.find(reference);
  return {
    'slot.start': (params) => find(params.slot).start(job('slot.start')),
    'slot.stop': (params) => find(params.slot).stop(job('slot.stop')),
    'slot.restart': (params) => find(params.slot).restart(job('slot.restart')),
    'slot.deploy': (params) => {
      const controller = find(params.slot);
      const source = params.source ?? defaultSource(controller, context);
      return controller.deploy({ source, promote: params.promote, note: params.note ?? null, trigger: 'local' }, job('slot.deploy', params.commandId));
    },
    'slot.promote': (params) => find(params.slot).promote(params.deploymentId, job('slot.promote')),
    'slot.rollback': (params) => find(params.slot).rollback(params.deploymentId, job('slot.rollback')),
    'deployments.list': (params) => ({ deployments: find(params.slot).deployments() }),
    'deployments.delete': (params) => find(params.slot).deleteDeployment(params.deploymentId),
    'logs.read': (params) =>
      find(params.slot).readLogs({ deploymentId: params.deploymentId, which: params.which, tailBytes: params.tailBytes }),
    'logs.subscribe': (params, session) => ({
      subscriptionId: session.subscribeLogs(find(params.slot), { deploymentId: params.deploymentId, fromOffset: params.fromOffset }),
    }),
    'logs.unsubscribe': (params, session) => {
      session.unsubscribeLogs(params.subscriptionId);
      return {};
    },
  };
}

/** A local slot's own source, else what the last deployment took (a branch at its newest commit). */
function defaultSource(controller: SlotController, context: HandlerContext): Source {
  const own = controller.origin === 'local' ? context.localSources.get(controller.id) : null;
  if (own) return own;
  const last = controller.deployments()[0]?.source;
  if (last) return last.kind === 'git' ? { kind: 'git', branch: last.branch } : last;
  throw new BerthError(
    'INVALID_PAYLOAD',
    `slot '${controller.currentSpec.name}' has no source of its own and no deployment to repeat; say what to deploy (a directory or a branch)`,
  );
}

/** An action from this machine (tray, window, CLI), under the id its client gave or a new one; it runs with the slot's last spec received. */
function job(name: string, id?: string): JobContext {
  return localJob(name, id ?? `local-${randomUUID()}`);
}
