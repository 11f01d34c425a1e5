import { formatDuration } from '../../../agent-core/protocol';

// The agent, the CLI and the window show sizes and spans of time the same way.
export { formatBytes, formatDuration } from '../../../agent-core/protocol';

export function formatAgo(iso: string, now: number): string {
  const ms = now - Date.parse(iso);
  if (ms < 5_000) return 'just now';
  return `${formatDuration(ms)} ago`;
}

export function formatClock(iso: string | number): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function shortCommit(commit: string): string {
  return commit.slice(0, 7);
}

/** `sha256:` and the first 12 hex digits: enough to tell snapshots apart. */
export function shortHash(contentHash: string): string {
  return contentHash.replace(/^sha256:/, '').slice(0, 12);
}
