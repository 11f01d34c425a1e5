import { describeGuard, describeWarm } from '../protocol';
import type { SlotView } from '../protocol/local-api';
import { describeSource, slotLabel, slotStatePaint } from './format';
import type { Style } from './style';
import { renderTable } from './table';

/** The slots as `status` and `slots` list them. */
export function renderSlotTable(slots: readonly SlotView[], style: Style): string {
  if (slots.length === 0) return style.paint("no slots yet: the control plane pushes them, or define one with 'berth-agent slot create'", 'dim');
  return renderTable<SlotView>(slots, [
    { header: 'SLOT', value: slotLabel },
    { header: 'STATUS', value: (slot) => slot.status.status, paint: (slot) => slotStatePaint(slot.status.status) },
    { header: 'COLOR', value: (slot) => slot.status.liveColor ?? '-', paint: (slot) => (slot.status.liveColor === 'blue' ? 'blue' : slot.status.liveColor === 'green' ? 'green' : null) },
    { header: 'PRODUCTION', value: (slot) => slot.status.productionDeploymentId ?? '-' },
    { header: 'ORIGIN', value: (slot) => slot.origin, paint: () => 'dim' },
    { header: 'URL', value: (slot) => slot.status.url ?? portUrl(slot) },
    { header: 'SOURCE', value: (slot) => describeSource(slot.source ?? slot.deployments[0]?.source ?? null) },
  ], style);
}

function portUrl(slot: SlotView): string {
  const port = slot.spec.traffic.publicPort ?? slot.deployments.find((deployment) => deployment.isProduction)?.port ?? null;
  return port === null ? '-' : `http://127.0.0.1:${port}`;
}

/**
 * One line per slot with a warm color or a guard: `qa-1  blue warm, 4:05 left (dep_…): a rollback
 * to it is instant` and `qa-1  guard on dep_…: watching: 120 requests, 0.8% 5xx, 42s left`.
 */
export function renderTrafficWatch(slots: readonly SlotView[], now: number, style: Style): string[] {
  return slots.flatMap((slot) => {
    const lines: string[] = [];
    const warm = describeWarm(slot.status.warm, now);
    if (warm) lines.push(`${slotLabel(slot)}  ${style.paint(warm, slot.status.warm!.color)} (${slot.status.warm!.deploymentId}): a rollback to it is instant`);
    const guard = describeGuard(slot.status.guard, now);
    if (guard) lines.push(`${slotLabel(slot)}  guard on ${slot.status.guard!.deploymentId}: ${guard}`);
    return lines;
  });
}
