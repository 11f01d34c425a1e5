import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BerthError, formatBytes } from '../protocol';
import { isDiskFull } from '../store/disk-space';
import { chooseRange, readKeptStart, sliceLog, type LogRange } from './log-range';
import { readLogRange } from './log-reader';
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

// The line at the top of a log whose oldest part was dropped. It names the exact offset of the byte
// after it, so that offsets keep counting every byte ever written when the log is read again later.
function capMarker(keptFrom: number, maxBytes: number): string {
  return `[berth] ${formatBytes(keptFrom)} of earlier output dropped: log capped at ${formatBytes(maxBytes)}; what follows starts at byte ${keptFrom}\r\n`;
}

function diskFullMarker(droppedBytes: number): string {
  return `\r\n[berth] output dropped: the disk is full (${formatBytes(droppedBytes)} not written)\r\n`;
}

function backlogMarker(droppedBytes: number): string {
  return `\r\n[berth] ${formatBytes(droppedBytes)} of output dropped here: the log file could not be written as fast as the command printed\r\n`;
}

export interface LogFileOptions {
  /** Past this size the oldest part of the log is dropped, keeping about the newest half. */
  maxBytes?: number;
  /** Output waiting to be written that may be held in memory before new output is dropped. */
  maxPendingBytes?: number;
  /**
   * A write found the disk full. The file stops there, as after any failed write, but its close
   * does not fail for it: it ends the file with a marker saying that output was dropped.
   */
  onDiskFull?(error: unknown): void;
}

/** Text that went into the log at `offset` (a marker for output dropped before it may lead it). */
export interface AppendedText {
  offset: number;
  text: string;
}

/**
 * One deployment's log on disk: UTF-8 text as the terminal produced it (ANSI kept).
 *
 * `append` is synchronous and cheap: text is queued and written in batches by one write loop, so
 * chunks that arrive while a write is in flight go out together in the next one. `offset` counts every
 * byte ever appended and never goes back, even when the cap drops the oldest part of the file. A read
 * sees every byte appended before it, on disk or still queued: it waits for a write in flight and
 * holds the next one off while it reads.
 */
export class LogFile {
  private pending: string[] = [];
  private pendingBytes = 0;
  private droppedBytes = 0;
  private delayedDrain: NodeJS.Timeout | null = null;
  private logicalOffset: number;
  private draining: Promise<void> | null = null;
  private closing: Promise<void> | null = null;
  private failure: unknown = null;
  private reads = 0;
  private readsDone: (() => void)[] = [];

  private constructor(
    readonly path: string,
    private handle: FileHandle,
    private fileBytes: number,
    // The offset of the file's first byte: above 0 once the cap has dropped the oldest part.
    private keptStart: number,
    private readonly maxBytes: number,
    private readonly maxPendingBytes: number,
    private readonly onDiskFull: ((error: unknown) => void) | undefined,
  ) {
    this.logicalOffset = keptStart + fileBytes;
  }

  /** Opens (creating its folder) the log at `path` for appending; an existing log is continued. */
  static async open(
    path: string,
    { maxBytes = DEFAULT_LOG_MAX_BYTES, maxPendingBytes = DEFAULT_MAX_PENDING_BYTES, onDiskFull }: LogFileOptions = {},
  ): Promise<LogFile> {
    if (!(maxBytes >= MIN_LOG_MAX_BYTES)) {
      throw new BerthError('INTERNAL', `log cap of ${maxBytes} bytes is too small: it must be at least ${MIN_LOG_MAX_BYTES} bytes`);
    }
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(path, 'a+');
    const { size } = await handle.stat();
    return new LogFile(path, handle, size, await readKeptStart(handle, size), maxBytes, maxPendingBytes, onDiskFull);
  }

  /** A write failed: the file stops where it was (close reports why); live output goes on. */
  get broken(): boolean {
    return this.failure !== null;
  }

  /** Total bytes ever appended: the offset the next appended text will start at. */
  get offset(): number {
    return this.logicalOffset;
  }

  /**
   * Queues `text` for the file and says what went into the log at which offset. Past the in-memory
   * backlog, `text` is dropped (null); the next text that fits is led by a marker saying so.
   */
  append(text: string): AppendedText | null {
    if (this.closing !== null) throw new BerthError('INTERNAL', `log ${this.path} was written after it was closed`);
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes === 0) return null;
    const offset = this.logicalOffset;
    if (this.failure !== null) {
      // The file is broken (the close reports it); live readers still get the output.
      this.logicalOffset += bytes;
      return { offset, text };
    }
    if (this.pendingBytes + bytes > this.maxPendingBytes) {
      this.droppedBytes += bytes;
      return null;
    }
    const marker = this.takeDropped();
    const added = marker + text;
    this.queue(added, bytes + Buffer.byteLength(marker, 'utf8'));
    this.scheduleDrain();
    return { offset, text: added };
  }

  /**
   * Bytes of the log from offset `from` (or the last `maxBytes` when null), at most `maxBytes`, with
   * what is still queued for the disk; a `from` below what is kept starts at the oldest kept byte.
   */
  async read(from: number | null, maxBytes: number): Promise<LogRange> {
    if (!(await this.holdWrites())) {
      await this.closing?.catch(() => undefined);
      return readLogRange(this.path, from, maxBytes);
    }
    try {
      const fileEnd = this.keptStart + this.fileBytes;
      const queued = this.pending.slice();
      const end = fileEnd + this.pendingBytes;
      const range = chooseRange(this.keptStart, end, from, maxBytes);
      const parts: Buffer[] = [];
      if (range.to > fileEnd && range.from >= fileEnd) {
        parts.push(Buffer.from(queued.join(''), 'utf8').subarray(range.from - fileEnd, range.to - fileEnd));
      } else if (range.to > range.from) {
        const fromFile = Buffer.alloc(Math.min(range.to, fileEnd) - range.from);
        await this.handle.read(fromFile, 0, fromFile.length, range.from - this.keptStart);
        parts.push(fromFile);
        if (range.to > fileEnd) parts.push(Buffer.from(queued.join(''), 'utf8').subarray(0, range.to - fileEnd));
      }
      return sliceLog(Buffer.concat(parts), range.from, range.to === end, this.keptStart, end);
    } finally {
      this.releaseWrites();
    }
  }

  /** Writes everything appended so far, then closes the file; rejects if a write failed. */
  close(): Promise<void> {
    this.closing ??= this.finish();
    return this.closing;
  }

  private queue(text: string, bytes: number): void {
    this.pending.push(text);
    this.pendingBytes += bytes;
    this.logicalOffset += bytes;
  }

  private takeDropped(): string {
    if (this.droppedBytes === 0) return '';
    const marker = backlogMarker(this.droppedBytes);
    this.droppedBytes = 0;
    return marker;
  }

  private scheduleDrain(): void {
    if (this.draining !== null || this.reads > 0 || this.pending.length === 0) return;
    if (this.pendingBytes >= WRITE_BATCH_BYTES) this.startDrain(false);
    else this.delayedDrain ??= setTimeout(() => this.startDrain(true), WRITE_DELAY_MS).unref();
  }

  // A read needs the file to stay as it is: it waits for the write in flight, and no write starts
  // until it is done (output meanwhile stays queued, where the read sees it). False once closing.
  private async holdWrites(): Promise<boolean> {
    for (;;) {
      if (this.closing !== null) return false;
      if (this.draining === null) {
        this.reads++;
        return true;
      }
      await this.draining;
    }
  }

  private releaseWrites(): void {
    this.reads--;
    if (this.reads > 0) return;
    for (const done of this.readsDone.splice(0)) done();
    if (this.closing === null) this.scheduleDrain();
  }

  private async finish(): Promise<void> {
    for (;;) {
      if (this.draining !== null) await this.draining;
      else if (this.reads > 0) await new Promise<void>((resolve) => this.readsDone.push(resolve));
      else break;
    }
    const marker = this.takeDropped();
    if (marker !== '' && this.failure === null) this.queue(marker, Buffer.byteLength(marker, 'utf8'));
    this.startDrain(true);
    if (this.draining !== null) await this.draining;
    if (this.failure !== null && isDiskFull(this.failure)) await this.markDiskFull();
    try {
      await this.handle.close();
    } catch (error) {
      this.failure ??= error;
    }
    if (this.failure !== null && !isDiskFull(this.failure)) {
      const reason = this.failure instanceof Error ? this.failure.message : String(this.failure);
      throw new BerthError('INTERNAL', `could not write the log ${this.path}: ${reason}`);
    }
  }

  /** Starts the write loop; `everything` writes what is pending now even if it is less than a batch. */
  private startDrain(everything: boolean): void {
    if (this.delayedDrain !== null) clearTimeout(this.delayedDrain);
    this.delayedDrain = null;
    if (this.draining !== null || this.reads > 0 || this.pending.length === 0) return;
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
        if (this.fileBytes + data.length > this.maxBytes) {
          await this.compact(data);
        } else {
          await this.writeAll(data);
        }
      }
    } catch (error) {
      this.failure = error;
      this.pending = [];
      this.pendingBytes = 0;
      if (isDiskFull(error)) this.onDiskFull?.(error);
    }
  }

  /** A write to a nearly full disk may take only part of the data; the rest is written again (and fails for good). */
  private async writeAll(data: Buffer): Promise<void> {
    for (let offset = 0; offset < data.length; ) {
      const { bytesWritten } = await this.handle.write(data, offset, data.length - offset);
      offset += bytesWritten;
      this.fileBytes += bytesWritten;
    }
  }

  /**
   * The last line of a log the disk could not take whole (written once the deployment has failed and
   * the reserved room is back; if even that fails, the file ends where the disk filled).
   */
  private async markDiskFull(): Promise<void> {
    const marker = Buffer.from(diskFullMarker(this.logicalOffset - (this.keptStart + this.fileBytes)), 'utf8');
    try {
      await this.handle.write(marker);
    } catch {
      // Still full.
    }
  }

  /**
   * Replaces the file by a marker line plus the newest half of (file + data). It is written beside
   * the log and renamed over it, so a reader never sees a half-written log.
   */
  private async compact(data: Buffer): Promise<void> {
    const keep = Math.floor(this.maxBytes / 2);
    const end = this.keptStart + this.fileBytes + data.length;
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
    const marker = Buffer.from(capMarker(end - keptBytes, this.maxBytes), 'utf8');
    const next = `${this.path}.tmp`;
    const temp = await open(next, 'w');
    try {
      await temp.writev([marker, ...parts]);
    } catch (error) {
      await temp.close();
      await rm(next, { force: true });
      throw error;
    }
    await temp.close();
    await this.handle.close();
    await rename(next, this.path);
    this.handle = await open(this.path, 'a+');
    this.fileBytes = marker.length + keptBytes;
    this.keptStart = end - this.fileBytes;
  }
}

/** Where the kept tail should start: after the first line break if one is near, else at a character start. */
function cleanStart(tail: Buffer): number {
  const newline = tail.subarray(0, LINE_START_SEARCH_BYTES).indexOf(0x0a);
  if (newline !== -1 && newline + 1 < tail.length) return newline + 1;
  return utf8CharacterStart(tail, 0);
}
