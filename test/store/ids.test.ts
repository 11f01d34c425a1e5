import { describe, expect, it } from 'vitest';
import { newId } from '../../agent-core/store';

describe('ids', () => {
  it('makes unique ids that sort in the order they were made, even within one millisecond', () => {
    const ids = Array.from({ length: 5_000 }, () => newId('dep'));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/^dep_[0-9a-hjkmnp-tv-z]{26}$/);
  });
});
