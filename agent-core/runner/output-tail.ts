// CSI and OSC sequences, and the few two-character escapes terminals send.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;

const MAX_LINE_LENGTH = 400;

/** The last lines a command printed, as plain text, for an error message that says what went wrong. */
export class OutputTail {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(private readonly maxLines = 20) {}

  push(chunk: string): void {
    const pieces = (this.partial + chunk).split('\n');
    this.partial = pieces.pop() ?? '';
    for (const piece of pieces) this.add(piece);
  }

  /** The kept lines, oldest first, including an unfinished last line. */
  text(): string[] {
    const partial = plain(this.partial);
    return partial.length > 0 ? [...this.lines, partial].slice(-this.maxLines) : [...this.lines];
  }

  private add(raw: string): void {
    const line = plain(raw);
    if (line.length === 0) return;
    this.lines.push(line);
    if (this.lines.length > this.maxLines) this.lines.shift();
  }
}

/** A progress bar redraws its line after \r: only the text after the last one is what was left on screen. */
function plain(raw: string): string {
  const withoutAnsi = raw.replace(ANSI, '').replace(/\r+$/, '');
  const visible = withoutAnsi
    .slice(withoutAnsi.lastIndexOf('\r') + 1)
    .replace(CONTROL, '')
    .trimEnd();
  return visible.length > MAX_LINE_LENGTH ? `${visible.slice(0, MAX_LINE_LENGTH)}…` : visible;
}
