import type { Deployment, SlotState, Source } from '../protocol';
import type { ConnectionStatus, SlotSummary } from '../protocol/local-api';
import type { Paint } from './style';

export function slotLabel(slot: Pick<SlotSummary, 'spec'>): string {
  return `${slot.spec.workspace}/${slot.spec.name}`;
}

export function slotStatePaint(state: SlotState): Paint {
  switch (state) {
    case 'running':
      return 'green';
    case 'deploying':
    case 'stopping':
      return 'yellow';
    case 'error':
      return 'red';
    case 'available':
      return 'dim';
  }
}

export function deploymentPaint(deployment: Deployment): Paint | null {
  if (deployment.status === 'failed') return 'red';
  if (deployment.status === 'ready') return 'green';
  if (deployment.status === 'stopped') return 'dim';
  return 'yellow';
}

export function connectionPaint(status: ConnectionStatus): Paint {
  if (status === 'online') return 'green';
  if (status === 'connecting' || status === 'offline' || status === 'replaced') return 'yellow';
  if (status === 'disabled') return 'dim';
  return 'red';
}

export function describeSource(source: Source | null): string {
  if (source === null) return '-';
  switch (source.kind) {
    case 'git':
      return source.commit ? `${source.branch}@${source.commit.slice(0, 8)}` : source.branch;
    case 'directory':
      return source.path;
    case 'snapshot':
      return `snapshot ${source.contentHash.slice(7, 19)}`;
  }
}

/** `2025-11-22 10:00` in the local time zone: what a person compares with the clock on the wall. */
export function shortTime(iso: string | null): string {
  if (iso === null) return '-';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/** The first line, cut to fit one table cell. */
export function oneLine(text: string | null | undefined, max = 60): string {
  if (!text) return '';
  const line = text.split('\n')[0]!.trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
