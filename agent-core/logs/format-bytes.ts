const UNITS = ['bytes', 'KB', 'MB', 'GB'] as const;

/** A byte count for people: "512 bytes", "1.5 MB", "100 MB" (binary multiples). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const rounded = unit === 0 ? String(value) : String(Math.round(value * 10) / 10);
  return `${rounded} ${UNITS[unit]}`;
}
