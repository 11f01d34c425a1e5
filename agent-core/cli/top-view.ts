import type { Color, MetricsPoint, MetricsSeries, SlotMetrics } from '../protocol';
import type { MetricsEvent, SlotView } from '../protocol/local-api';
import { slotLabel } from './format';
import type { Style } from './style';
import { renderTable } from './table';

/** How many 1 s steps `top` keeps per series: the sparkline's width. */
export const TOP_WINDOW_SECONDS = 60;
/** Error % and 4xx are counted over this many last steps: one second is too few requests to read a rate from. */
const ERROR_WINDOW_STEPS = 10;
/** A series with no step this recent is over (its color drained away) and leaves the view. */
const SHOWN_FOR_STEPS = 15;
const SPARKS = '▁▂▃▄▅▆▇█';

interface SeriesRows {
  slotId: string;
  color: Color;
  deploymentId: string;
  points: MetricsPoint[];
}

/** One line of the view: a color of a slot, serving one deployment. */
export interface TopRow {
  slot: string;
  live: boolean;
  color: Color;
  deploymentId: string;
  /** The last step's requests: a 1 s step, so requests per second. */
  requestsPerSecond: number;
  status4xx: number;
  errorPercent: number | null;
  p95Ms: number | null;
  inFlight: number;
  spark: string;
}

/**
 * What `berth-agent top` shows: the last minute of each slot's traffic, kept from the
 * subscription's history and its `metrics` events, one row per color and deployment.
 */
export class TopModel {
  private readonly series = new Map<string, SeriesRows>();
  private latestT = '';

  constructor(history: readonly SlotMetrics[] = []) {
    for (const slot of history) this.addSeries(slot.slotId, slot.series);
  }

  /** A `metrics` event: one new point per series. */
  apply(event: Pick<MetricsEvent, 'slotId' | 'series'>): void {
    this.addSeries(event.slotId, event.series);
  }

  rows(slots: readonly SlotView[]): TopRow[] {
    const bySlot = new Map(slots.map((slot) => [slot.spec.id, slot]));
    const rows: TopRow[] = [];
    const newest = Date.parse(this.latestT);
    for (const one of this.series.values()) {
      const last = one.points.at(-1);
      if (!last || newest - Date.parse(last.t) >= SHOWN_FOR_STEPS * 1000) continue;
      const slot = bySlot.get(one.slotId);
      const recent = one.points.slice(-ERROR_WINDOW_STEPS);
      const requests = total(recent, 'requests');
      rows.push({
        slot: slot ? slotLabel(slot) : one.slotId,
        live: slot?.status.liveColor === one.color && slot.status.productionDeploymentId === one.deploymentId,
        color: one.color,
        deploymentId: one.deploymentId,
        requestsPerSecond: last.requests,
        status4xx: total(recent, 'status4xx'),
        errorPercent: requests === 0 ? null : (100 * total(recent, 'status5xx')) / requests,
        p95Ms: last.p95Ms,
        inFlight: last.inFlight,
        spark: sparkline(one.points, newest),
      });
    }
    return rows.sort((a, b) => a.slot.localeCompare(b.slot) || Number(b.live) - Number(a.live));
  }

  private addSeries(slotId: string, list: readonly MetricsSeries[]): void {
    for (const { color, deploymentId, points } of list) {
      // A swap starts a new series: one row per color and deployment, the newest points last.
      const key = `${slotId}\u0000${color}\u0000${deploymentId}`;
      let rows = this.series.get(key);
      if (!rows) this.series.set(key, (rows = { slotId, color, deploymentId, points: [] }));
      rows.points.push(...points);
      if (rows.points.length > TOP_WINDOW_SECONDS) rows.points.splice(0, rows.points.length - TOP_WINDOW_SECONDS);
      const t = points.at(-1)?.t ?? '';
      if (t > this.latestT) this.latestT = t;
    }
  }
}

/** One frame: a table with a row per slot color, or a note when there is nothing to show. */
export function renderTop(rows: readonly TopRow[], style: Style): string {
  if (rows.length === 0) return style.paint('no traffic yet: only blue-green slots count what their proxy forwards', 'dim');
  const colorPaint = (row: TopRow) => (row.color === 'blue' ? ('blue' as const) : ('green' as const));
  return renderTable<TopRow>(rows, [
    { header: 'SLOT', value: (row) => row.slot },
    { header: 'COLOR', value: (row) => `${row.live ? '●' : '○'} ${row.color}`, paint: colorPaint },
    { header: 'DEPLOYMENT', value: (row) => row.deploymentId, paint: () => 'dim' },
    { header: 'REQ/S', value: (row) => String(row.requestsPerSecond), align: 'right' },
    {
      header: 'ERR %',
      value: (row) => (row.errorPercent === null ? '-' : row.errorPercent.toFixed(1)),
      paint: (row) => (row.errorPercent !== null && row.errorPercent > 0 ? 'red' : null),
      align: 'right',
    },
    { header: '4XX', value: (row) => String(row.status4xx), paint: (row) => (row.status4xx > 0 ? 'yellow' : null), align: 'right' },
    { header: 'P95 MS', value: (row) => (row.p95Ms === null ? '-' : formatMs(row.p95Ms)), align: 'right' },
    { header: 'IN FLIGHT', value: (row) => String(row.inFlight), align: 'right' },
    { header: `LAST ${TOP_WINDOW_SECONDS} S`, value: (row) => row.spark, paint: colorPaint },
  ], style);
}

function total(points: readonly MetricsPoint[], field: 'requests' | 'status4xx' | 'status5xx'): number {
  let sum = 0;
  for (const point of points) sum += point[field];
  return sum;
}

function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/** Requests per second over the last minute up to `newest`, as block characters scaled to the busiest second shown. */
function sparkline(points: readonly MetricsPoint[], newest: number): string {
  const perSecond = new Array<number>(TOP_WINDOW_SECONDS).fill(0);
  for (const point of points) {
    const age = Math.round((newest - Date.parse(point.t)) / 1000);
    if (age >= 0 && age < TOP_WINDOW_SECONDS) perSecond[TOP_WINDOW_SECONDS - 1 - age] = point.requests;
  }
  const max = Math.max(1, ...perSecond);
  return perSecond.map((value) => (value === 0 ? ' ' : SPARKS[Math.min(SPARKS.length - 1, Math.floor((value / max) * (SPARKS.length - 1)))])).join('');
}
