import type { ITheme } from '@xterm/xterm';

const light: ITheme = {
  background: '#fbfbfc',
  foreground: '#1f2328',
  cursor: '#1f2328',
  selectionBackground: '#b6d4fe',
  black: '#24292f',
  red: '#c0262d',
  green: '#116329',
  yellow: '#7d4e00',
  blue: '#0550ae',
  magenta: '#8250df',
  cyan: '#0e6b7a',
  white: '#6e7781',
  brightBlack: '#57606a',
  brightRed: '#a40e26',
  brightGreen: '#1a7f37',
  brightYellow: '#633c01',
  brightBlue: '#218bff',
  brightMagenta: '#a475f9',
  brightCyan: '#1b7c83',
  brightWhite: '#8c959f',
};

const dark: ITheme = {
  background: '#0f1216',
  foreground: '#d6dde6',
  cursor: '#d6dde6',
  selectionBackground: '#264f78',
  black: '#484f58',
  red: '#ff7b72',
  green: '#3fb950',
  yellow: '#d29922',
  blue: '#58a6ff',
  magenta: '#bc8cff',
  cyan: '#39c5cf',
  white: '#b1bac4',
  brightBlack: '#6e7681',
  brightRed: '#ffa198',
  brightGreen: '#56d364',
  brightYellow: '#e3b341',
  brightBlue: '#79c0ff',
  brightMagenta: '#d2a8ff',
  brightCyan: '#56d4dd',
  brightWhite: '#f0f6fc',
};

export function terminalTheme(scheme: 'light' | 'dark'): ITheme {
  return scheme === 'dark' ? dark : light;
}

export const SEARCH_DECORATIONS = {
  matchBackground: '#f2cc60',
  matchOverviewRuler: '#d4a72c',
  activeMatchBackground: '#fb8f44',
  activeMatchColorOverviewRuler: '#fb8f44',
};
