import { describe, expect, it } from 'vitest';
import { Backoff } from '../../agent-core/connection';

/** With random() pinned just below 1, each delay is its ceiling (less a fraction of a millisecond). */
function ceilings(backoff: Backoff, count: number, upForMs = 0): number[] {
  return Array.from({ length: count }, () => Math.ceil(backoff.next(upForMs)));
}

describe('backoff', () => {
  it('starts at 0.5 s and doubles up to a 30 s cap', () => {
    const backoff = new Backoff({ random: () => 0.999999 });
    expect(ceilings(backoff, 9)).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('draws each delay uniformly below its ceiling (full jitter)', () => {
    const draws = [0, 0.25, 0.5];
    const backoff = new Backoff({ random: () => draws.shift()! });
    expect(ceilings(backoff, 3)).toEqual([0, 250, 1000]);
  });

  it('starts over after a connection that stayed up 60 s, not after a shorter one', () => {
    const backoff = new Backoff({ random: () => 0.999999 });
    ceilings(backoff, 5);
    expect(ceilings(backoff, 1, 59_000)[0]).toBeGreaterThan(15_000);
    expect(ceilings(backoff, 1, 60_000)[0]).toBe(500);
  });

  it('can be reset by hand', () => {
    const backoff = new Backoff({ random: () => 0.999999 });
    ceilings(backoff, 4);
    backoff.reset();
    expect(ceilings(backoff, 1)[0]).toBe(500);
  });
});
