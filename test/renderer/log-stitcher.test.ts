import { describe, expect, it } from 'vitest';
import { dropUtf8Bytes, LogStitcher, utf8Length } from '../../renderer/src/model/log-stitcher';

function stitcher() {
  const shown: string[] = [];
  const gaps: [number, number][] = [];
  const stitch = new LogStitcher({ text: (text) => shown.push(text), gap: (from, to) => gaps.push([from, to]) });
  return { stitch, text: () => shown.join(''), gaps };
}

describe('log stitcher', () => {
  it('shows the history, then the stream from its end offset, each byte once', () => {
    const { stitch, text, gaps } = stitcher();
    stitch.history('hello\nworld\n', 12);
    stitch.live({ kind: 'data', offset: 12, data: 'again\n' });
    expect(text()).toBe('hello\nworld\nagain\n');
    expect(gaps).toEqual([]);
  });

  it('holds live output that comes before the history until the history is placed', () => {
    const { stitch, text } = stitcher();
    stitch.live({ kind: 'data', offset: 7, data: 'more\n' });
    expect(text()).toBe('');
    stitch.history('tail…\n', 7);
    expect(text()).toBe('tail…\nmore\n');
  });

  it('cuts a live chunk that overlaps the history at the right byte, multi-byte characters included', () => {
    const { stitch, text } = stitcher();
    stitch.history('héllo ✓', utf8Length('héllo ✓'));
    stitch.live({ kind: 'data', offset: 0, data: 'héllo ✓ done' });
    expect(text()).toBe('héllo ✓ done');
  });

  it('marks a hole between the history and the stream as a gap', () => {
    const { stitch, text, gaps } = stitcher();
    stitch.history('early', 5);
    stitch.live({ kind: 'data', offset: 10, data: 'later' });
    expect(text()).toBe('earlylater');
    expect(gaps).toEqual([[5, 10]]);
  });

  it('marks the bytes the agent dropped for a slow window as one gap and goes on after it', () => {
    const { stitch, text, gaps } = stitcher();
    stitch.history('start\n', 6);
    stitch.live({ kind: 'gap', fromOffset: 6, toOffset: 4096 });
    stitch.live({ kind: 'data', offset: 4096, data: 'resumed\n' });
    expect(text()).toBe('start\nresumed\n');
    expect(gaps).toEqual([[6, 4096]]);
  });

  it('counts UTF-8 bytes as the agent does', () => {
    for (const sample of ['plain', 'héllo', '✓ ok', 'emoji 🚀 here', '\x1b[32mgreen\x1b[0m']) {
      expect(utf8Length(sample)).toBe(Buffer.byteLength(sample));
    }
    expect(dropUtf8Bytes('a🚀b', 5)).toBe('b');
  });
});
