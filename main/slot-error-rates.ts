import type { MetricsPoint, MetricsSeries, SlotMetrics } from '../agent-core/protocol';

/** How far back the tray looks for a slot's 5xx share, and the least traffic that says anything. */
export const RECENT_SECONDS = 30;
const BASELINE_SECONDS = 270;
const MIN_REQUESTS = 10;
/** From this share of 5xx on, the tray says so. */
export const ALARM_PERCENT = 5;

export interface ErrorRate {
  /** Share of 5xx in the last RECENT_SECONDS, in percent. */
  percent: number;
  requests: number;
  /** Higher than in the minutes before. */
  rising: boolean;
}

interface Counted {
  requests: number;
  status5xx: number;
}

function count(points: readonly MetricsPoint[]): Counted {
  return points.reduce((sum, point) => ({ requests: sum.requests + point.requests, status5xx: sum.status5xx + point.status5xx }), { requests: 0, status5xx: 0 });
}

/**
 * Every blue-green slot's recent 5xx, from main's own `metrics.subscribe`: a slot is listed while
 * at least ALARM_PERCENT of its last RECENT_SECONDS of requests (10 or more) were 5xx, and
 * `rising` when that is more than in the minutes before.
 */
export class SlotErrorRates {
  private readonly points = new Map<string, MetricsPoint[]>();

  /** The history a subscription opens with (again after a reconnect): it replaces what was kept, but for steps newer than it. */
  history(metrics: readonly SlotMetrics[]): void {
    const kept = new Map(this.points);
    this.points.clear();
    for (const slot of metrics) {
      this.step(slot.slotId, slot.series);
      const newest = Math.max(...(this.points.get(slot.slotId) ?? []).map((point) => Date.parse(point.t)));
      const later = (kept.get(slot.slotId) ?? []).filter((point) => !(Date.parse(point.t) <= newest));
      if (later.length > 0) this.add(slot.slotId, later);
    }
  }

  /** One finished step of a slot: its new points. */
  step(slotId: string, series: readonly MetricsSeries[]): void {
    this.add(slotId, series.flatMap((item) => item.points));
  }

  private add(slotId: string, points: readonly MetricsPoint[]): void {
    const kept = this.points.get(slotId) ?? [];
    kept.push(...points);
    const newest = Math.max(...kept.map((point) => Date.parse(point.t)));
    this.points.set(slotId, kept.filter((point) => Date.parse(point.t) > newest - (RECENT_SECONDS + BASELINE_SECONDS) * 1000));
  }

  /** The slots whose 5xx share is at the alarm now, by slot id. */
  alarms(): Record<string, ErrorRate> {
    const alarms: Record<string, ErrorRate> = {};
    for (const [slotId, points] of this.points) {
      const newest = Math.max(...points.map((point) => Date.parse(point.t)));
      const recentFrom = newest - RECENT_SECONDS * 1000;
      const recent = count(points.filter((point) => Date.parse(point.t) > recentFrom));
      if (recent.requests < MIN_REQUESTS) continue;
      const percent = (recent.status5xx / recent.requests) * 100;
      if (percent < ALARM_PERCENT) continue;
      const before = count(points.filter((point) => Date.parse(point.t) <= recentFrom));
      const beforePercent = before.requests === 0 ? 0 : (before.status5xx / before.requests) * 100;
      alarms[slotId] = { percent, requests: recent.requests, rising: percent > beforePercent };
    }
    return alarms;
  }
}
