import type { LogChunk } from '../../../agent-core/protocol/local-api';

export interface StitchedOutput {
  text(data: string): void;
  /** Bytes `fromOffset`..`toOffset` of the log will never be shown. */
  gap(fromOffset: number, toOffset: number): void;
}

export type HistoryOutcome = 'placed' | 'hole';

/**
 * Joins a log's history (read once) and its live chunks (streamed from before the read) into one
 * text without repeating or silently losing a byte: live chunks wait until the history is placed,
 * overlaps are cut by byte offset, and anything missing between two pieces becomes a gap.
 */
export class LogStitcher {
  private next: number | null = null;
  private placed = false;
  private held: LogChunk[] = [];

  constructor(private readonly output: StitchedOutput) {}

  /** The byte offset the next shown byte has, once known. */
  get offset(): number | null {
    return this.next;
  }

  live(chunk: LogChunk): void {
    if (this.placed) this.place(chunk);
    else this.held.push(chunk);
  }

  /**
   * Places the history. A whole log ends at its byte length; live output that starts beyond it means
   * the agent had not yet written the rest to disk when it was read: 'hole', read it again.
   * `force` places it anyway, with a gap for the hole.
   */
  history(text: string, truncated: boolean, force = false): HistoryOutcome {
    const end = truncated ? null : utf8Length(text);
    const firstLive = this.held[0];
    const firstOffset = firstLive ? (firstLive.kind === 'data' ? firstLive.offset : firstLive.fromOffset) : null;
    if (!force && end !== null && firstOffset !== null && firstOffset > end) return 'hole';
    if (text !== '') this.output.text(text);
    // A tail does not say where it ends; the first live chunk is the best guess of where it stopped.
    this.next = end ?? firstOffset;
    this.placed = true;
    const held = this.held;
    this.held = [];
    for (const chunk of held) this.place(chunk);
    return 'placed';
  }

  private place(chunk: LogChunk): void {
    if (chunk.kind === 'gap') {
      const from = this.next === null ? chunk.fromOffset : Math.max(chunk.fromOffset, this.next);
      if (chunk.toOffset > from) this.output.gap(from, chunk.toOffset);
      this.next = Math.max(this.next ?? 0, chunk.toOffset);
      return;
    }
    const length = utf8Length(chunk.data);
    const end = chunk.offset + length;
    if (this.next === null) {
      this.output.text(chunk.data);
      this.next = end;
      return;
    }
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
