import { describe, expect, it } from 'vitest';
import { DeploymentState } from '../../agent-core/protocol';
import { assertDeploymentMove, canMoveDeployment } from '../../agent-core/deployments/deployment-lifecycle';

describe('deployment lifecycle', () => {
  it('goes from queued to ready only through preparing, building and starting', () => {
    expect(canMoveDeployment('queued', 'preparing')).toBe(true);
    expect(canMoveDeployment('preparing', 'building')).toBe(true);
    expect(canMoveDeployment('building', 'starting')).toBe(true);
    expect(canMoveDeployment('starting', 'ready')).toBe(true);
    expect(canMoveDeployment('queued', 'ready')).toBe(false);
    expect(canMoveDeployment('preparing', 'starting')).toBe(false);
  });

  it('never leaves failed', () => {
    expect(DeploymentState.options.filter((state) => canMoveDeployment('failed', state))).toEqual([]);
  });

  it('brings a stopped deployment back only by preparing it again', () => {
    expect(DeploymentState.options.filter((state) => canMoveDeployment('stopped', state))).toEqual(['preparing']);
  });

  it('throws an INTERNAL error naming the deployment on an illegal move', () => {
    expect(() => assertDeploymentMove('dep_1', 'failed', 'ready')).toThrow(expect.objectContaining({ code: 'INTERNAL', message: 'deployment dep_1 cannot go from failed to ready' }));
  });
});
