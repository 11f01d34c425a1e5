// Here, in protocol, because it is the one layer every side may import: the agent's messages, the
// CLI and the window all show sizes and spans of time the same way.

const BYTE_UNITS = ['bytes', 'KB', 'MB', 'GB'] as const;

/** A byte count for people: "512 bytes", "1.5 MB", "100 MB" (binary multiples). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const rounded = unit === 0 ? String(value) : String(Math.round(value * 10) / 10);
  return `${rounded} ${BYTE_UNITS[unit]}`;
}

/**
 * How long something took or may take, for people: "0.5 s", "12.4 s", "2 min 5 s", "30 min",
 * "3 h 5 min", "2 d 4 h". Two units at most: past a minute the finer ones are dropped.
 */
export function formatDuration(ms: number): string {
  const span = Math.max(0, ms);
  if (span < 60_000) return `${Number((span / 1000).toFixed(1))} s`;
  const seconds = Math.floor(span / 1000);
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return pair(minutes, 'min', seconds % 60, 's');
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return pair(hours, 'h', minutes % 60, 'min');
  return pair(Math.floor(hours / 24), 'd', hours % 24, 'h');
}

function pair(whole: number, unit: string, rest: number, restUnit: string): string {
  return rest === 0 ? `${whole} ${unit}` : `${whole} ${unit} ${rest} ${restUnit}`;
}
