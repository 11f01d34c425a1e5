import { describe, expect, it } from 'vitest';
import { slotsReferredTo, type SlotIdentity } from '../../agent-core/protocol';

const slots: SlotIdentity[] = [
  { id: 'slot_a', workspace: 'shop', name: 'web' },
  { id: 'slot_b', workspace: 'blog', name: 'web' },
  { id: 'slot_c', workspace: 'shop', name: 'api' },
];
const ids = (reference: string): string[] => slotsReferredTo(slots, reference, (slot) => slot).map((slot) => slot.id);

describe('slot reference', () => {
  it('finds a slot by id first, then by name or workspace/name', () => {
    expect(ids('slot_b')).toEqual(['slot_b']);
    expect(ids('api')).toEqual(['slot_c']);
    expect(ids('blog/web')).toEqual(['slot_b']);
  });

  it('answers every slot a shared name fits, and none for an unknown name', () => {
    expect(ids('web')).toEqual(['slot_a', 'slot_b']);
    expect(ids('nope')).toEqual([]);
  });
});
