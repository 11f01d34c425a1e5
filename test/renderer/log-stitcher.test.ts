import { describe, expect, it } from 'vitest';
import { dropUtf8Bytes, LogStitcher, utf8Length } from '../../renderer/src/model/log-stitcher';

function stitcher() {
  const shown: string[] = [];
  const gaps: [number, number][] = [];
  const stitch = new LogStitcher({ text: (text) => shown.push(text), gap: (from, to) => gaps.push([from, to]) });
  return { stitch, text: () => shown.join(''), gaps };
}

describe('log stitcher', () => {
  it('shows output that arrived live during the history read once, after the history', () => {
    const { stitch, text, gaps } = stitcher();
    stitch.live({ kind: 'data', offset: 6, data: 'world\n' });
    stitch.live({ kind: 'data', offset: 12, data: 'again\n' });
    expect(text()).toBe('');
    expect(stitch.history('hello\nworld\n', false)).toBe('placed');
    expect(text()).toBe('hello\nworld\nagain\n');
    expect(gaps).toEqual([]);
  });

  it('cuts a live chunk that overlaps the history at the right byte, multi-byte characters included', () => {
    const { stitch, text } = stitcher();
    stitch.live({ kind: 'data', offset: 0, data: 'héllo ✓ done' });
    stitch.history('héllo ✓', false);
    expect(text()).toBe('héllo ✓ done');
  });

  it('asks for the history again when the stream starts beyond it, and marks a gap if it never catches up', () => {
    const first = stitcher();
    first.stitch.live({ kind: 'data', offset: 10, data: 'later' });
    expect(first.stitch.history('early', false)).toBe('hole');
    expect(first.text()).toBe('');
    expect(first.stitch.history('early', false, true)).toBe('placed');
    expect(first.text()).toBe('earlylater');
    expect(first.gaps).toEqual([[5, 10]]);
  });

  it('marks the bytes the agent dropped for a slow window as one gap and goes on after it', () => {
    const { stitch, text, gaps } = stitcher();
    stitch.history('start\n', false);
    stitch.live({ kind: 'gap', fromOffset: 6, toOffset: 4096 });
    stitch.live({ kind: 'data', offset: 4096, data: 'resumed\n' });
    expect(text()).toBe('start\nresumed\n');
    expect(gaps).toEqual([[6, 4096]]);
  });

  it('follows a truncated history with the live output from where the stream began', () => {
    const { stitch, text } = stitcher();
    stitch.live({ kind: 'data', offset: 5000, data: 'new\n' });
    stitch.history('…the tail\n', true);
    stitch.live({ kind: 'data', offset: 5004, data: 'newer\n' });
    expect(text()).toBe('…the tail\nnew\nnewer\n');
  });

  it('counts UTF-8 bytes as the agent does', () => {
    for (const sample of ['plain', 'héllo', '✓ ok', 'emoji 🚀 here', '\x1b[32mgreen\x1b[0m']) {
      expect(utf8Length(sample)).toBe(Buffer.byteLength(sample));
    }
    expect(dropUtf8Bytes('a🚀b', 5)).toBe('b');
  });
});
