import { describe, expect, it } from 'vitest';
import { SlotState } from '../../agent-core/protocol';
import { canTransition } from '../../agent-core/slots/slot-lifecycle';

describe('slot lifecycle', () => {
  it('lets a deployment start from every state but stopping', () => {
    const from = SlotState.options.filter((state) => canTransition(state, 'deploying'));
    expect(from.sort()).toEqual(['available', 'error', 'running']);
  });

  it('only reaches running through a deployment, a recovery or a promoted preview', () => {
    const from = SlotState.options.filter((state) => state !== 'running' && canTransition(state, 'running'));
    expect(from.sort()).toEqual(['available', 'deploying', 'error']);
  });

  it('never turns error from available or deploys while stopping', () => {
    expect(canTransition('available', 'error')).toBe(false);
    expect(canTransition('stopping', 'deploying')).toBe(false);
  });
});
