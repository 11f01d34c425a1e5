import type { Terminal } from '@xterm/xterm';
import { formatBytes } from '../model/format';

// xterm parses each write in one go: small pieces let it yield to the page between them.
const PIECE_CHARS = 16 * 1024;
const IN_FLIGHT = 4;
// Output waiting to be drawn. More than the terminal's scrollback holds would only scroll out of it
// again, at the cost of the page's main thread: past this the oldest waiting output is skipped, marked.
const MAX_QUEUED_CHARS = 4 * 1024 * 1024;

/**
 * Feeds a terminal at the pace it can draw: output is cut into small pieces, only a few are handed
 * to xterm at once, and what waits is bounded so a flood can never exhaust the window's memory.
 */
export class TerminalWriter {
  private queue: string[] = [];
  private queuedChars = 0;
  private inFlight = 0;
  private dropped = 0;
  private disposed = false;

  constructor(
    private readonly terminal: Terminal,
    private readonly onSkipped: (chars: number) => void = () => undefined,
  ) {}

  write(text: string): void {
    if (this.disposed || text === '') return;
    for (let start = 0; start < text.length; start += PIECE_CHARS) {
      const piece = text.slice(start, start + PIECE_CHARS);
      this.queue.push(piece);
      this.queuedChars += piece.length;
    }
    let skipped = 0;
    while (this.queuedChars > MAX_QUEUED_CHARS && this.queue.length > 1) {
      const oldest = this.queue.shift()!;
      this.queuedChars -= oldest.length;
      skipped += oldest.length;
    }
    if (skipped > 0) {
      this.dropped += skipped;
      this.onSkipped(skipped);
    }
    this.pump();
  }

  /** True when everything written so far is on the screen. */
  get idle(): boolean {
    return this.queue.length === 0 && this.inFlight === 0;
  }

  dispose(): void {
    this.disposed = true;
    this.queue = [];
  }

  private pump(): void {
    if (this.dropped > 0 && this.inFlight < IN_FLIGHT) {
      const marker = `\r\n\x1b[0;30;43m ⋯ about ${formatBytes(this.dropped)} of output skipped here to keep up with it (Download has the whole log) ⋯ \x1b[0m\r\n`;
      this.dropped = 0;
      this.send(marker);
    }
    while (this.inFlight < IN_FLIGHT && this.queue.length > 0) {
      const piece = this.queue.shift()!;
      this.queuedChars -= piece.length;
      this.send(piece);
    }
  }

  private send(piece: string): void {
    this.inFlight += 1;
    this.terminal.write(piece, () => {
      this.inFlight -= 1;
      if (!this.disposed) this.pump();
    });
  }
}
