const CODES = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  cyan: [36, 39],
  dim: [2, 22],
  bold: [1, 22],
} as const;

export type Paint = keyof typeof CODES;

/** Colours for a terminal, or plain text for a pipe, a file or NO_COLOR. */
export interface Style {
  readonly color: boolean;
  paint(text: string, paint: Paint | null): string;
}

export function createStyle(color: boolean): Style {
  return {
    color,
    paint: (text, paint) => {
      if (!color || paint === null || text === '') return text;
      const [open, close] = CODES[paint];
      return `\x1b[${open}m${text}\x1b[${close}m`;
    },
  };
}

/** Colour only for a terminal, unless NO_COLOR says no or FORCE_COLOR says yes (https://no-color.org). */
export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return createStyle(false);
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return createStyle(true);
  return createStyle(stream.isTTY === true);
}

// eslint-disable-next-line no-control-regex -- terminal escape sequences are control characters
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** The width a terminal gives the text: escape sequences take none. */
export function visibleLength(text: string): number {
  return [...stripAnsi(text)].length;
}
