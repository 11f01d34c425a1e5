import type { LogChunk } from '../../../agent-core/protocol/local-api';

export interface StitchedOutput {
  text(data: string): void;
  /** Bytes `fromOffset`..`toOffset` of the log will never be shown. */
  gap(fromOffset: number, toOffset: number): void;
}

/**
 * Joins a log's history (read once) and the stream that follows it from the read's `endOffset` into
 * one text without repeating or silently losing a byte: the agent streams from exactly that byte, so
 * the two meet; byte offsets still guard the join (an overlap is cut, a hole becomes a gap), and live
 * chunks that come before the history is placed wait for it.
 */
export class LogStitcher {
  private next: number | null = null;
  private held: LogChunk[] = [];

  constructor(private readonly output: StitchedOutput) {}

  /** The byte offset the next shown byte has, once the history is placed. */
  get offset(): number | null {
    return this.next;
  }

  live(chunk: LogChunk): void {
    if (this.next !== null) this.place(chunk);
    else this.held.push(chunk);
  }

  /** Places the history, which ends at byte `endOffset` of the log. */
  history(text: string, endOffset: number): void {
    if (text !== '') this.output.text(text);
    this.next = endOffset;
    const held = this.held;
    this.held = [];
    for (const chunk of held) this.place(chunk);
  }

  private place(chunk: LogChunk): void {
    if (this.next === null) return;
    if (chunk.kind === 'gap') {
      const from = Math.max(chunk.fromOffset, this.next);
      if (chunk.toOffset > from) this.output.gap(from, chunk.toOffset);
      this.next = Math.max(this.next, chunk.toOffset);
      return;
    }
    const length = utf8Length(chunk.data);
    const end = chunk.offset + length;
    if (end <= this.next) return;
    if (chunk.offset > this.next) this.output.gap(this.next, chunk.offset);
    const skip = Math.max(0, this.next - chunk.offset);
    this.output.text(skip === 0 ? chunk.data : dropUtf8Bytes(chunk.data, skip));
    this.next = end;
  }
}

/** The UTF-8 bytes of the character at `index`, and the UTF-16 units it takes (2 for a surrogate pair). */
function utf8Width(text: string, index: number): [bytes: number, units: number] {
  const code = text.charCodeAt(index);
  if (code < 0x80) return [1, 1];
  if (code < 0x800) return [2, 1];
  if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) return [4, 2];
  return [3, 1];
}

/** The UTF-8 byte length of a string, without encoding it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; ) {
    const [width, units] = utf8Width(text, index);
    bytes += width;
    index += units;
  }
  return bytes;
}

/** The string without its first `count` UTF-8 bytes; a character cut in two is dropped whole. */
export function dropUtf8Bytes(text: string, count: number): string {
  let bytes = 0;
  let index = 0;
  while (index < text.length && bytes < count) {
    const [width, units] = utf8Width(text, index);
    bytes += width;
    index += units;
  }
  return text.slice(index);
}
