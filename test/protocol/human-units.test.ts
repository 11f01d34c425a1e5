import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration } from '../../agent-core/protocol';

describe('human units', () => {
  it('says durations the way a person reads them, in two units at most', () => {
    expect([500, 2_000, 12_400, 125_000, 1_800_000].map(formatDuration)).toEqual(['0.5 s', '2 s', '12.4 s', '2 min 5 s', '30 min']);
    expect([3 * 3_600_000 + 5 * 60_000 + 59_000, 7_200_000, 2 * 86_400_000 + 4 * 3_600_000 + 1_000, 86_400_000].map(formatDuration)).toEqual([
      '3 h 5 min',
      '2 h',
      '2 d 4 h',
      '1 d',
    ]);
  });

  it('never shows a negative duration, as a countdown that has just passed would give', () => {
    expect(formatDuration(-1_500)).toBe('0 s');
  });

  it('says sizes in binary multiples with one decimal at most', () => {
    expect([512, 1_536, 100 * 1024 * 1024, 1024 ** 3, 5 * 1024 ** 4].map(formatBytes)).toEqual(['512 bytes', '1.5 KB', '100 MB', '1 GB', '5120 GB']);
  });
});
