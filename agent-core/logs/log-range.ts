import type { FileHandle } from 'node:fs/promises';
import { utf8CharacterStart } from './utf8-boundary';

/**
 * The line at the top of a log whose oldest part was dropped; readers recognise it by this pattern.
 * Its last number is the offset of the byte after it (older logs lack it: they count from 0).
 */
export const CAP_MARKER_PATTERN = /^\[berth\] [^\r\n]* of earlier output dropped: log capped at [^\r\n;]*(?:; what follows starts at byte (\d+))?\r?\n/;

// A cap marker is one short line; this much of the file's start always holds it whole.
const MARKER_READ_BYTES = 512;

/**
 * Bytes of a deployment's log, addressed by offset: the offset counts every byte ever written to the
 * log, also when the size cap dropped the oldest part of the file.
 */
export interface LogRange {
  /** The offset of the first byte of `data`. */
  offset: number;
  /** Whole UTF-8 characters. */
  data: Buffer;
  /** The oldest byte the log still keeps. */
  start: number;
  /** The end of the log when it was read: the offset the next written byte gets. */
  end: number;
}

/**
 * The offset of a log file's first byte. A capped log opens with a marker line naming the offset of
 * the byte after it; the marker itself is counted as if it took the place of the newest dropped bytes,
 * so file positions map to offsets by adding one number.
 */
export async function readKeptStart(handle: FileHandle, size: number): Promise<number> {
  const head = Buffer.alloc(Math.min(size, MARKER_READ_BYTES));
  await handle.read(head, 0, head.length, 0);
  return keptStartOf(head);
}

export function keptStartOf(head: Buffer): number {
  const match = CAP_MARKER_PATTERN.exec(head.toString('latin1'));
  if (match?.[1] === undefined) return 0;
  return Math.max(0, Number(match[1]) - match[0].length);
}

/**
 * Which bytes a read takes of a log holding `start`..`end`: from `from` (a `from` below what is kept
 * starts at the oldest kept byte), or the last `maxBytes` when `from` is null; at most `maxBytes`.
 */
export function chooseRange(start: number, end: number, from: number | null, maxBytes: number): { from: number; to: number } {
  const limit = Math.max(0, Math.floor(maxBytes));
  const first = from === null ? Math.max(start, end - limit) : Math.min(Math.max(start, Math.floor(from)), end);
  return { from: first, to: Math.min(end, first + limit) };
}

/**
 * `bytes` (read from `offset`) cut to whole characters: a start inside a character moves to the next
 * one; unless the read reached the log's end, an end inside a character moves back before it.
 */
export function sliceLog(bytes: Buffer, offset: number, reachedEnd: boolean, start: number, end: number): LogRange {
  const head = utf8CharacterStart(bytes, 0);
  let tail = bytes.length;
  if (!reachedEnd) {
    let lead = tail;
    while (lead > head && lead > tail - 4 && (bytes[lead - 1]! & 0xc0) === 0x80) lead--;
    // `lead - 1` is the last character's first byte; keep it only if all its bytes are here.
    if (lead > head) {
      const first = bytes[lead - 1]!;
      const width = first < 0x80 ? 1 : first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1;
      if (lead - 1 + width > tail) tail = lead - 1;
    }
  }
  return { offset: offset + head, data: bytes.subarray(head, Math.max(head, tail)), start, end };
}
