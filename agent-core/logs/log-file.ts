import { mkdir, open, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BerthError } from '../protocol';
import { formatBytes } from './format-bytes';
import { utf8CharacterStart } from './utf8-boundary';

export const DEFAULT_LOG_MAX_BYTES = 100 * 1024 * 1024;

// Compaction needs room for the marker line plus a useful tail.
const MIN_LOG_MAX_BYTES = 4096;
// How far into the kept tail to look for a line start, so the log does not open mid-line.
const LINE_START_SEARCH_BYTES = 64 * 1024;
// A terminal hands over about 4 KB at a time; one write per chunk costs more than the rest of the
// output path. Output is written once this much is pending, or after this delay.
const WRITE_BATCH_BYTES = 64 * 1024;
const WRITE_DELAY_MS = 20;
// Output waiting for the disk is held in memory up to this much; past it the agent would rather
// lose log output (with a marker where it was lost) than run out of memory and take every slot down.
export const DEFAULT_MAX_PENDING_BYTES = 32 * 1024 * 1024;

/** The line at the top of a log whose oldest part was dropped; readers recognise it by this pattern. */
export const CAP_MARKER_PATTERN = /^\[berth\] .* of earlier output dropped: log capped at .*\r?\n/;

function capMarker(droppedBytes: number, maxBytes: number): string {
  return `[berth] ${formatBytes(droppedBytes)} of earlier output dropped: log capped at ${formatBytes(maxBytes)}\r\n`;
}

function backlogMarker(droppedBytes: number): string {
  return `\r\n[berth] ${formatBytes(droppedBytes)} of output dropped here: the log file could not be written as fast as the command printed\r\n`;
}

export interface LogFileOptions {
  /** Past this size the oldest part of the log is dropped, keeping about the newest half. */
  maxBytes?: number;
  /** Output waiting to be written that may be held in memory before new output is dropped. */
  maxPendingBytes?: number;
}

/**
 * One deployment's log on disk: UTF-8 text as the terminal produced it (ANSI kept).
 *
 * `append` is synchronous and cheap: text is queued and written in batches by one write loop, so
 * chunks that arrive while a write is in flight go out together in the next one. `offset` counts every byte
 * ever appended and never goes back, even when the cap drops the oldest part of the file.
 */
export class LogFile {
  private pending: string[] = [];
  private pendingBytes = 0;
  private droppedBytes = 0;
  private delayedDrain: NodeJS.Timeout | null = null;
  private logicalOffset: number;
  private writtenOffset: number;
  private draining: Promise<void> | null = null;
  private closing: Promise<void> | null = null;
  private failure: unknown = null;

  private constructor(
    readonly path: string,
    private handle: FileHandle,
    private fileBytes: number,
    private readonly maxBytes: number,
    private readonly maxPendingBytes: number,
  ) {
    this.logicalOffset = fileBytes;
    this.writtenOffset = fileBytes;
  }

  /** Opens (creating its folder) the log at `path` for appending; an existing log is continued. */
  static async open(
    path: string,
    { maxBytes = DEFAULT_LOG_MAX_BYTES, maxPendingBytes = DEFAULT_MAX_PENDING_BYTES }: LogFileOptions = {},
  ): Promise<LogFile> {
    if (!(maxBytes >= MIN_LOG_MAX_BYTES)) {
      throw new BerthError('INTERNAL', `log cap of ${maxBytes} bytes is too small: it must be at least ${MIN_LOG_MAX_BYTES} bytes`);
    }
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(path, 'a+');
    const { size } = await handle.stat();
    return new LogFile(path, handle, size, maxBytes, maxPendingBytes);
  }

  /** Total bytes ever appended: the offset the next appended text will start at. */
  get offset(): number {
    return this.logicalOffset;
  }

  /** Queues `text` for the file and returns the byte offset it starts at. */
  append(text: string): number {
    if (this.closing !== null) throw new BerthError('INTERNAL', `log ${this.path} was written after it was closed`);
    const start = this.logicalOffset;
    const bytes = Buffer.byteLength(text, 'utf8');
    this.logicalOffset += bytes;
    if (this.failure !== null || bytes === 0) return start;
    if (this.pendingBytes + bytes > this.maxPendingBytes) {
      this.droppedBytes += bytes;
    } else {
      this.noteDropped();
      this.queue(text, bytes);
    }
    if (this.draining !== null) return start;
    if (this.pendingBytes >= WRITE_BATCH_BYTES) this.startDrain(false);
    else this.delayedDrain ??= setTimeout(() => this.startDrain(true), WRITE_DELAY_MS).unref();
    return start;
  }

  /** Writes everything appended so far, then closes the file; rejects if a write failed. */
  close(): Promise<void> {
    this.closing ??= this.finish();
    return this.closing;
  }

  private queue(text: string, bytes: number): void {
    this.pending.push(text);
    this.pendingBytes += bytes;
  }

  private noteDropped(): void {
    if (this.droppedBytes === 0) return;
    const marker = backlogMarker(this.droppedBytes);
    this.droppedBytes = 0;
    this.queue(marker, Buffer.byteLength(marker, 'utf8'));
  }

  private async finish(): Promise<void> {
    if (this.draining !== null) await this.draining;
    this.noteDropped();
    this.startDrain(true);
    if (this.draining !== null) await this.draining;
    try {
      await this.handle.close();
    } catch (error) {
      this.failure ??= error;
    }
    if (this.failure !== null) {
      const reason = this.failure instanceof Error ? this.failure.message : String(this.failure);
      throw new BerthError('INTERNAL', `could not write the log ${this.path}: ${reason}`);
    }
  }

  /** Starts the write loop; `everything` writes what is pending now even if it is less than a batch. */
  private startDrain(everything: boolean): void {
    if (this.delayedDrain !== null) clearTimeout(this.delayedDrain);
    this.delayedDrain = null;
    if (this.draining !== null || this.pending.length === 0) return;
    this.draining = this.drain(everything).finally(() => {
      this.draining = null;
      if (this.pending.length > 0 && this.closing === null) {
        this.delayedDrain = setTimeout(() => this.startDrain(true), WRITE_DELAY_MS).unref();
      }
    });
  }

  private async drain(everything: boolean): Promise<void> {
    try {
      for (let first = everything; this.pending.length > 0 && (first || this.pendingBytes >= WRITE_BATCH_BYTES); first = false) {
        const data = Buffer.allocUnsafe(this.pendingBytes);
        let filled = 0;
        for (const text of this.pending) filled += data.write(text, filled, 'utf8');
        this.pending = [];
        this.pendingBytes = 0;
        this.writtenOffset += data.length;
        if (this.fileBytes + data.length > this.maxBytes) {
          await this.compact(data);
        } else {
          await this.handle.write(data);
          this.fileBytes += data.length;
        }
      }
    } catch (error) {
      this.failure = error;
      this.pending = [];
      this.pendingBytes = 0;
    }
  }

  /**
   * Replaces the file by a marker line plus the newest half of (file + data). It is written beside
   * the log and renamed over it, so a reader never sees a half-written log.
   */
  private async compact(data: Buffer): Promise<void> {
    const keep = Math.floor(this.maxBytes / 2);
    const parts: Buffer[] = [];
    if (data.length >= keep) {
      parts.push(data.subarray(data.length - keep));
    } else {
      const fromFile = Math.min(keep - data.length, this.fileBytes);
      const head = Buffer.alloc(fromFile);
      await this.handle.read(head, 0, fromFile, this.fileBytes - fromFile);
      parts.push(head, data);
    }
    parts[0] = parts[0].subarray(cleanStart(parts[0]));
    const keptBytes = parts.reduce((sum, part) => sum + part.length, 0);
    const marker = Buffer.from(capMarker(this.writtenOffset - keptBytes, this.maxBytes), 'utf8');
    const next = `${this.path}.tmp`;
    const temp = await open(next, 'w');
    try {
      await temp.writev([marker, ...parts]);
    } finally {
      await temp.close();
    }
    await this.handle.close();
    await rename(next, this.path);
    this.handle = await open(this.path, 'a+');
    this.fileBytes = marker.length + keptBytes;
  }
}

/** Where the kept tail should start: after the first line break if one is near, else at a character start. */
function cleanStart(tail: Buffer): number {
  const newline = tail.subarray(0, LINE_START_SEARCH_BYTES).indexOf(0x0a);
  if (newline !== -1 && newline + 1 < tail.length) return newline + 1;
  return utf8CharacterStart(tail, 0);
}
