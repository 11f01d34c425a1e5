import type { Deployment } from '../deployment';
import type { StateDelta } from './events';
import type { AgentState, SlotView } from './state';

/** The state after one delta, as a new object (the parts that did not change are shared), at `version`. */
export function applyDelta(state: AgentState, version: number, delta: StateDelta): AgentState {
  switch (delta.kind) {
    case 'slot': {
      const existing = state.slots.find((slot) => slot.id === delta.slot.id);
      const slot: SlotView = { ...delta.slot, deployments: existing?.deployments ?? [] };
      const slots = existing ? state.slots.map((item) => (item.id === slot.id ? slot : item)) : [...state.slots, slot];
      return { ...state, version, slots };
    }
    case 'slot.removed':
      return { ...state, version, slots: state.slots.filter((slot) => slot.id !== delta.slotId) };
    case 'deployment': {
      const slots = state.slots.map((slot) =>
        slot.id === delta.deployment.slotId ? { ...slot, deployments: withDeployment(slot.deployments, delta.deployment) } : slot,
      );
      return { ...state, version, slots };
    }
    case 'connection':
      return { ...state, version, connection: delta.connection };
    case 'settings':
      return { ...state, version, settings: delta.settings, host: { ...state.host, name: delta.settings.name } };
    case 'storage':
      return { ...state, version, storage: delta.storage };
  }
}

/** Newest first, as the agent lists them; a deleted deployment (expiresAt set) leaves the list. */
function withDeployment(deployments: Deployment[], deployment: Deployment): Deployment[] {
  const index = deployments.findIndex((item) => item.id === deployment.id);
  if (deployment.expiresAt !== null) return index < 0 ? deployments : deployments.filter((item) => item.id !== deployment.id);
  if (index >= 0 && deployments[index]!.createdAt === deployment.createdAt) {
    const next = [...deployments];
    next[index] = deployment;
    return next;
  }
  const others = index < 0 ? [...deployments] : deployments.filter((item) => item.id !== deployment.id);
  const position = others.findIndex((item) => newestFirst(deployment, item) < 0);
  others.splice(position < 0 ? others.length : position, 0, deployment);
  return others;
}

function newestFirst(a: Deployment, b: Deployment): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
