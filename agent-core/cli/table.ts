import { visibleLength, type Paint, type Style } from './style';

export interface Column<T> {
  header: string;
  value(row: T): string;
  paint?(row: T): Paint | null;
  align?: 'left' | 'right';
}

const GAP = '  ';

/** Rows under a header, each column as wide as its widest cell; colour never counts towards a width. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[], style: Style): string {
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
  const widths = columns.map((column, index) => Math.max(visibleLength(column.header), ...cells.map((line) => visibleLength(line[index]!))));
  const cell = (text: string, paint: Paint | null, index: number): string => {
    const space = ' '.repeat(widths[index]! - visibleLength(text));
    const painted = style.paint(text, paint);
    return columns[index]!.align === 'right' ? space + painted : painted + space;
  };
  const header = columns.map((column, index) => cell(column.header, 'bold', index)).join(GAP);
  const lines = cells.map((line, rowIndex) => line.map((text, index) => cell(text, columns[index]!.paint?.(rows[rowIndex]!) ?? null, index)).join(GAP));
  return [header, ...lines].map((line) => line.trimEnd()).join('\n');
}

/** `label  value` lines with the labels in one column. */
export function renderFields(fields: readonly [string, string][], style: Style): string {
  const width = Math.max(...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${style.paint(label.padEnd(width), 'dim')}  ${value}`).join('\n');
}
