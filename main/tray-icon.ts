import { join } from 'node:path';
import { describeWarm, type SlotStatus } from '../agent-core/protocol';
import type { DesktopView } from './desktop-view';
import { RECENT_SECONDS } from './slot-error-rates';

export type TrayIconState = 'online' | 'offline' | 'deploying' | 'error';

// A host without a control plane configured still runs its local slots: it is not offline.
const ONLINE_CONNECTIONS = new Set(['online', 'disabled']);

function slotStatuses(view: DesktopView): SlotStatus['status'][] {
  return view.state?.slots.map((slot) => slot.status.status) ?? [];
}

/** A slot in error wins over everything, then work in progress, then the link to the control plane. */
export function trayIconState(view: DesktopView): TrayIconState {
  if (view.agent !== 'ready' || !view.live || view.state === null) return view.agent === 'waiting' ? 'error' : 'offline';
  const statuses = slotStatuses(view);
  if (statuses.includes('error')) return 'error';
  if (statuses.includes('deploying') || statuses.includes('stopping')) return 'deploying';
  return ONLINE_CONNECTIONS.has(view.state.connection.status) ? 'online' : 'offline';
}

const CONNECTION_WORDS: Record<string, string> = {
  online: 'online',
  disabled: 'no control plane',
  connecting: 'connecting',
  offline: 'offline',
  'key-rejected': 'API key rejected',
  replaced: 'replaced by another agent',
  'protocol-unsupported': 'server version not supported',
};

/** "Berth — online · 3 slots: 2 running, 1 deploying · qa-1: blue warm, 4 min left" */
export function trayTooltip(view: DesktopView, now = Date.now()): string {
  if (view.agent === 'waiting') return 'Berth — the agent stopped unexpectedly; restarting';
  if (view.agent !== 'ready' || view.state === null) return 'Berth — starting';
  if (!view.live) return 'Berth — reconnecting to the agent';
  const statuses = slotStatuses(view);
  const counts = new Map<string, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  const order: SlotStatus['status'][] = ['running', 'deploying', 'stopping', 'error', 'available'];
  const parts = order.filter((status) => counts.has(status)).map((status) => `${counts.get(status)} ${status === 'available' ? 'stopped' : status}`);
  const slots = statuses.length === 0 ? 'no slots' : `${statuses.length} slot${statuses.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
  const service = view.mode === 'service' ? ' (service)' : '';
  const disk = view.state.storage.low ? ' · disk full: deployments refused' : '';
  const perSlot = view.state.slots.flatMap((slot) => {
    const errors = view.errorRates?.[slot.id];
    const warm = describeWarm(slot.status.warm, now, true);
    return [
      ...(errors ? [` · ${slot.spec.name}: 5xx ${errors.rising ? 'rising to' : 'at'} ${Number(errors.percent.toFixed(1))}% (last ${RECENT_SECONDS} s)`] : []),
      ...(warm === null ? [] : [` · ${slot.spec.name}: ${warm}`]),
    ];
  });
  return `Berth${service} — ${CONNECTION_WORDS[view.state.connection.status] ?? view.state.connection.status} · ${slots}${disk}${perSlot.join('')}`;
}

/** A warm color counts down and a guard's figures move: the tray is redrawn now and then while a slot has either. */
export function trayIsCounting(view: DesktopView, now: number): boolean {
  return (view.state?.slots ?? []).some((slot) => slot.status.guard !== null || describeWarm(slot.status.warm, now) !== null);
}

/** Electron picks tray-<state>@2x.png beside it on high-density screens. */
export function trayIconPath(trayDirectory: string, state: TrayIconState): string {
  return join(trayDirectory, `tray-${state}.png`);
}
