import { BerthError, type DeploymentState } from '../protocol';

/**
 * Every move a deployment's status may make. A new deployment goes queued → preparing → building →
 * starting → ready, or fails on the way. An existing one that is brought up again (a start, a
 * rollback) leaves `stopped` or `ready` for `preparing`, and when it does not come up it is only
 * `stopped`, never `failed`: it ran once. A ready preview or draining color whose service gives up
 * becomes `failed`. `failed` is final.
 */
const TRANSITIONS: Readonly<Record<DeploymentState, readonly DeploymentState[]>> = {
  queued: ['preparing', 'failed'],
  preparing: ['building', 'failed', 'stopped'],
  building: ['starting', 'failed', 'stopped'],
  starting: ['ready', 'failed', 'stopped'],
  ready: ['stopped', 'failed', 'preparing'],
  stopped: ['preparing'],
  failed: [],
};

export function canMoveDeployment(from: DeploymentState, to: DeploymentState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertDeploymentMove(deploymentId: string, from: DeploymentState, to: DeploymentState): void {
  if (!canMoveDeployment(from, to)) {
    throw new BerthError('INTERNAL', `deployment ${deploymentId} cannot go from ${from} to ${to}`);
  }
}
