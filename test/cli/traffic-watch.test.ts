import { describe, expect, it } from 'vitest';
import { describeGuard, describeWarm, formatCountdown } from '../../agent-core/protocol';
import { renderTrafficWatch } from '../../agent-core/cli/slot-table';
import { createStyle } from '../../agent-core/cli/style';
import { slotView } from '../fixtures/agent-state';

const NOW = Date.parse('2026-11-22T10:00:00.000Z');
const at = (ms: number) => new Date(NOW + ms).toISOString();
const guard = { deploymentId: 'dep_2', previousDeploymentId: 'dep_1', until: at(42_000), requests: 120, status5xx: 3, maxErrorRate: 0.05, minRequests: 20 };

describe('traffic watch wording', () => {
  it('counts a warm color down to the second, and says nothing once it is cold', () => {
    const warm = { color: 'blue' as const, deploymentId: 'dep_1', until: at(245_000) };
    expect(describeWarm(warm, NOW)).toBe('blue warm, 4:05 left');
    expect(describeWarm(warm, NOW, true)).toBe('blue warm, 5 min left');
    expect(describeWarm(warm, NOW + 244_500)).toBe('blue warm, 0:01 left');
    expect(describeWarm(warm, NOW + 245_000)).toBeNull();
    expect(describeWarm(null, NOW)).toBeNull();
    expect(formatCountdown(59_001)).toBe('1:00');
  });

  it('words the guard with its requests, its share of 5xx and its seconds left', () => {
    expect(describeGuard(guard, NOW)).toBe('watching: 120 requests, 2.5% 5xx, 42s left');
    expect(describeGuard({ ...guard, requests: 1, status5xx: 0 }, NOW + 41_100)).toBe('watching: 1 request, 0% 5xx, 1s left');
    expect(describeGuard({ ...guard, requests: 0, status5xx: 0 }, NOW)).toBe('watching: 0 requests, 0% 5xx, 42s left');
  });

  it('lists in berth-agent status each slot that has a warm color or a guard', () => {
    const slots = [
      slotView('qa-1', 'running', { liveColor: 'green', warm: { color: 'blue', deploymentId: 'dep_1', until: at(65_000) }, guard }),
      slotView('qa-2', 'running'),
    ];
    expect(renderTrafficWatch(slots, NOW, createStyle(false))).toEqual([
      'acme-web/qa-1  blue warm, 1:05 left (dep_1): a rollback to it is instant',
      'acme-web/qa-1  guard on dep_2: watching: 120 requests, 2.5% 5xx, 42s left',
    ]);
  });
});
