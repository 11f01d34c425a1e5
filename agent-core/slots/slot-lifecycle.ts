import { BerthError, type SlotState } from '../protocol';

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
