import type { Terminal } from '@xterm/xterm';
import { formatBytes } from '../model/format';

// xterm parses each write in one go: small pieces let it yield to the page between them.
const PIECE_CHARS = 16 * 1024;
const IN_FLIGHT = 4;
// Output waiting to be drawn. More than the terminal's scrollback holds would only scroll out of it
// again, at the cost of the page's main thread: past this the oldest waiting output is skipped, marked.
const MAX_QUEUED_CHARS = 4 * 1024 * 1024;
// Redrawing the rows every frame costs the page more than parsing the output. While output floods
// in (more pieces wait than are in flight), each burst is wrapped in synchronized-output mode
// (DEC 2026), which xterm draws once at its end: a few redraws a second instead of sixty.
const BEGIN_BURST = '\x1b[?2026h';
const END_BURST = '\x1b[?2026l';
const BURST_MS = 150;

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
  private burstStartedAt: number | null = null;

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

  dispose(): void {
    this.disposed = true;
    this.queue = [];
  }

  private pump(): void {
    if (this.burstStartedAt === null && this.queue.length > IN_FLIGHT) {
      this.burstStartedAt = performance.now();
      this.send(BEGIN_BURST);
    }
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
      if (this.disposed) return;
      if (this.burstStartedAt !== null && (this.queue.length === 0 || performance.now() - this.burstStartedAt > BURST_MS)) {
        this.burstStartedAt = null;
        this.send(END_BURST);
      }
      this.pump();
    });
  }
}
