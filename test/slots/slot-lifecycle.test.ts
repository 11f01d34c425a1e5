import { describe, expect, it } from 'vitest';
import { SlotState } from '../../agent-core/protocol';
import { canTransition } from '../../agent-core/slots/slot-lifecycle';

describe('slot lifecycle', () => {
  it('lets a deployment start from every state but stopping', () => {
    const from = SlotState.options.filter((state) => canTransition(state, 'deploying'));
    expect(from.sort()).toEqual(['available', 'error', 'running']);
  });

  it('only reaches running through a deployment or a recovery', () => {
    const from = SlotState.options.filter((state) => state !== 'running' && canTransition(state, 'running'));
    expect(from.sort()).toEqual(['deploying', 'error']);
  });

  it('never jumps from available straight to running or stopping to deploying', () => {
    expect(canTransition('available', 'running')).toBe(false);
    expect(canTransition('stopping', 'deploying')).toBe(false);
  });
});
