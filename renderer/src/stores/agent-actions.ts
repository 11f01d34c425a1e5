import type { Source, SlotSpecInput } from '../../../agent-core/protocol';
import type { LocalSlotSource, LogEvent, LogStream, ProgressEvent, RequestParamsInput } from '../../../agent-core/protocol/local-api';
import { agentClient } from './agent-store';

/**
 * Everything the window asks of the agent. Views call these, never the client; what changed comes
 * back through the state subscription, so none of them writes to a store.
 */
export const agentActions = {
  startSlot: (slotId: string) => agentClient().call('slot.start', { slot: slotId }),
  stopSlot: (slotId: string) => agentClient().call('slot.stop', { slot: slotId }),
  restartSlot: (slotId: string) => agentClient().call('slot.restart', { slot: slotId }),
  deploySlot: (slotId: string, options: { source?: Source; promote: boolean; note: string | null; commandId?: string }) =>
    agentClient().call('slot.deploy', { slot: slotId, ...options }),
  promote: (slotId: string, deploymentId: string) => agentClient().call('slot.promote', { slot: slotId, deploymentId }),
  rollback: (slotId: string, deploymentId?: string) => agentClient().call('slot.rollback', { slot: slotId, deploymentId }),
  deleteDeployment: (slotId: string, deploymentId: string) => agentClient().call('deployments.delete', { slot: slotId, deploymentId }),
  readLog: (params: RequestParamsInput<'logs.read'>) => agentClient().call('logs.read', params),
  followLogs: (params: RequestParamsInput<'logs.subscribe'>, listener: (event: LogEvent) => void): Promise<LogStream> =>
    agentClient().subscribeLogs(params, listener),
  onProgress: (listener: (progress: ProgressEvent) => void): (() => void) => agentClient().on('progress', listener),
  updateSettings: (changes: RequestParamsInput<'settings.update'>) => agentClient().call('settings.update', changes),
  setApiKey: (apiKey: string) => agentClient().call('apiKey.set', { apiKey }),
  clearApiKey: () => agentClient().call('apiKey.clear'),
  retryConnection: () => agentClient().call('connection.retry'),
  createLocalSlot: (spec: SlotSpecInput, source: LocalSlotSource) => agentClient().call('localSlots.create', { spec, source }),
  updateLocalSlot: (slotId: string, spec: SlotSpecInput, source: LocalSlotSource) =>
    agentClient().call('localSlots.update', { slot: slotId, spec, source }),
  removeLocalSlot: (slotId: string) => agentClient().call('localSlots.remove', { slot: slotId }),
  proposeSlot: (params: RequestParamsInput<'localSlots.propose'>) => agentClient().call('localSlots.propose', params),
  findHealthCheck: (slotId: string) => agentClient().call('localSlots.findHealthCheck', { slot: slotId }),
};
