import { BerthError, type SlotSpec, type SlotState, type SlotStatus } from '../protocol';
import type { SlotRecord } from '../store';

/**
 * Every move a slot's status may make. A deployment on a running slot shows `deploying` while the
 * live color keeps serving; a failed deployment returns to `running` when something is still live.
 */
const TRANSITIONS: Readonly<Record<SlotState, readonly SlotState[]>> = {
  // A preview promoted while nothing is live makes the slot run at once.
  available: ['deploying', 'stopping', 'running'],
  deploying: ['running', 'error', 'available', 'stopping'],
  running: ['deploying', 'stopping', 'error', 'running'],
  stopping: ['available', 'error'],
  error: ['deploying', 'stopping', 'available', 'running', 'error'],
};

export function canTransition(from: SlotState, to: SlotState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(slotId: string, from: SlotState, to: SlotState): void {
  if (!canTransition(from, to)) {
    throw new BerthError('INTERNAL', `slot ${slotId} cannot go from ${from} to ${to}`);
  }
}

/** A slot's status when the agent starts: whatever ran before is gone (restore starts it again), an error stays. */
export function statusAtStart(spec: SlotSpec, record: Pick<SlotRecord, 'status' | 'error' | 'updatedAt'>, productionDeploymentId: string | null): SlotStatus {
  return {
    slotId: spec.id,
    name: spec.name,
    workspace: spec.workspace,
    status: record.status === 'error' ? 'error' : 'available',
    liveColor: null,
    productionDeploymentId,
    previewDeploymentIds: [],
    url: spec.url ?? null,
    error: record.error,
    updatedAt: record.updatedAt,
    warm: null,
    guard: null,
  };
}
