import { describe, expect, it } from 'vitest';
import { splitByBytes } from '../../agent-core/connection/log-subscriptions';

describe('log split', () => {
  it('keeps a small chunk whole', () => {
    expect(splitByBytes('hello', 64)).toEqual([{ offset: 0, text: 'hello' }]);
  });

  it('cuts a large chunk into pieces with their byte offsets, never inside a character', () => {
    const text = 'ab€'.repeat(1000);
    const pieces = splitByBytes(text, 100);
    expect(pieces.map((piece) => piece.text).join('')).toBe(text);
    for (const piece of pieces) expect(Buffer.byteLength(piece.text)).toBeLessThanOrEqual(100);
    for (let i = 1; i < pieces.length; i++) expect(pieces[i]!.offset).toBe(pieces[i - 1]!.offset + Buffer.byteLength(pieces[i - 1]!.text));
    expect(pieces.some((piece) => piece.text.includes('\ufffd'))).toBe(false);
  });
});
