import { describe, expect, it } from 'vitest';
import { colorFacts, previousProduction, rollbackIsInstant } from '../../renderer/src/model/slot-facts';
import { deployment, slotView } from '../fixtures/agent-state';

const NOW = Date.parse('2026-11-22T10:05:00.000Z');

/** v1 on blue, v2 on green, v3 on blue now: v2 was production before v3. */
function slot(warm: { color: 'blue' | 'green'; deploymentId: string; untilMs: number } | null) {
  const deployments = [
    deployment({ id: 'dep_3', slotId: 'slot_qa-1', color: 'blue', promotedAt: '2026-11-22T10:04:00.000Z' }),
    deployment({ id: 'dep_2', slotId: 'slot_qa-1', color: 'green', isProduction: false, promotedAt: '2026-11-22T10:02:00.000Z' }),
    deployment({ id: 'dep_1', slotId: 'slot_qa-1', color: 'blue', isProduction: false, status: 'stopped', promotedAt: '2026-11-22T10:00:00.000Z' }),
  ];
  const view = slotView('qa-1', 'running', {
    liveColor: 'blue',
    deployments,
    warm: warm ? { color: warm.color, deploymentId: warm.deploymentId, until: new Date(NOW + warm.untilMs).toISOString() } : null,
  });
  view.status.productionDeploymentId = 'dep_3';
  return view;
}

describe('slot facts for warm colors', () => {
  it('calls a rollback instant while its target, the previous production or the chosen one, runs warm', () => {
    const warm = slot({ color: 'green', deploymentId: 'dep_2', untilMs: 65_000 });
    expect(previousProduction(warm)?.id).toBe('dep_2');
    expect(rollbackIsInstant(warm, NOW)).toBe(true);
    expect(rollbackIsInstant(warm, NOW, 'dep_2')).toBe(true);
    expect(rollbackIsInstant(warm, NOW, 'dep_1')).toBe(false);
    expect(rollbackIsInstant(warm, NOW + 65_000)).toBe(false);
    expect(rollbackIsInstant(slot(null), NOW)).toBe(false);
  });

  it('marks the warm color with its time left, and idle once it is up', () => {
    const warm = slot({ color: 'green', deploymentId: 'dep_2', untilMs: 65_000 });
    expect(colorFacts(warm, 'green', NOW)).toMatchObject({ role: 'warm', deployment: { id: 'dep_2' }, warmLeftMs: 65_000 });
    expect(colorFacts(warm, 'blue', NOW)).toMatchObject({ role: 'live', warmLeftMs: null });
    expect(colorFacts(warm, 'green', NOW + 70_000)).toMatchObject({ role: 'idle', warmLeftMs: null });
  });
});
