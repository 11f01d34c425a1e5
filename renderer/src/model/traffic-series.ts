import type { Color, MetricsPoint, SlotMetrics } from '../../../agent-core/protocol';

/** How far back the window keeps a slot's traffic (the agent's default window). */
export const TRAFFIC_WINDOW_SECONDS = 300;

/**
 * A slot's history with one step's new points added: a point joins the series of its color and
 * deployment (a new deployment on a color starts a new series: a swap), a step already there is
 * replaced, and points older than the window go.
 */
export function addStep(current: SlotMetrics | undefined, step: Pick<SlotMetrics, 'slotId' | 'stepSeconds' | 'series'>, windowSeconds = TRAFFIC_WINDOW_SECONDS): SlotMetrics {
  const series = current && current.stepSeconds === step.stepSeconds ? current.series.map((item) => ({ ...item, points: [...item.points] })) : [];
  for (const incoming of step.series) {
    const existing = series.find((item) => item.color === incoming.color && item.deploymentId === incoming.deploymentId);
    if (!existing) {
      series.push({ ...incoming, points: [...incoming.points] });
      continue;
    }
    for (const point of incoming.points) {
      const at = existing.points.findIndex((known) => known.t >= point.t);
      if (at === -1) existing.points.push(point);
      else if (existing.points[at]!.t === point.t) existing.points[at] = point;
      else existing.points.splice(at, 0, point);
    }
  }
  return trim({ slotId: step.slotId, stepSeconds: step.stepSeconds, series }, windowSeconds);
}

/** Leaves out the points older than `windowSeconds` before the newest one, and the series left empty. */
export function trim(metrics: SlotMetrics, windowSeconds = TRAFFIC_WINDOW_SECONDS): SlotMetrics {
  const newest = Math.max(...metrics.series.flatMap((series) => series.points.map((point) => Date.parse(point.t))));
  if (!Number.isFinite(newest)) return metrics;
  const from = newest - windowSeconds * 1000;
  const series = metrics.series
    .map((item) => ({ ...item, points: item.points.filter((point) => Date.parse(point.t) > from) }))
    .filter((item) => item.points.length > 0);
  return { ...metrics, series };
}

/** The share of answers that were 5xx, in percent; null in a step without requests. */
export function errorRate(point: Pick<MetricsPoint, 'requests' | 'status5xx'>): number | null {
  return point.requests === 0 ? null : (point.status5xx / point.requests) * 100;
}

export interface ChartSeries {
  color: Color;
  deploymentId: string;
  requestsPerSecond: (number | null)[];
  errorPercent: (number | null)[];
  p95Ms: (number | null)[];
}

/** The columns uPlot draws: one time axis (seconds) shared by every series, null where a series has no point. */
export interface ChartData {
  times: number[];
  series: ChartSeries[];
  /** Where a series after the first begins: a swap (or a rollback) moved the traffic there. */
  swaps: number[];
}

export function chartData(metrics: SlotMetrics): ChartData {
  const times = [...new Set(metrics.series.flatMap((series) => series.points.map((point) => Date.parse(point.t) / 1000)))].sort((a, b) => a - b);
  const index = new Map(times.map((time, at) => [time, at]));
  const series = metrics.series.map((item) => {
    const column = () => new Array<number | null>(times.length).fill(null);
    const chart: ChartSeries = { color: item.color, deploymentId: item.deploymentId, requestsPerSecond: column(), errorPercent: column(), p95Ms: column() };
    for (const point of item.points) {
      const at = index.get(Date.parse(point.t) / 1000)!;
      chart.requestsPerSecond[at] = point.requests / metrics.stepSeconds;
      chart.errorPercent[at] = errorRate(point);
      chart.p95Ms[at] = point.p95Ms;
    }
    return chart;
  });
  const starts = metrics.series.map((item) => Date.parse(item.points[0]?.t ?? '') / 1000).filter(Number.isFinite).sort((a, b) => a - b);
  return { times, series, swaps: starts.slice(1) };
}

export interface TrafficFigures {
  color: Color;
  deploymentId: string;
  requestsPerSecond: number;
  errorPercent: number | null;
  p95Ms: number | null;
}

/**
 * What a slot serves now: over the last `seconds`, per series that had a point in them, the
 * requests per second, the share of 5xx and the slowest step's p95 (newest series first).
 */
export function recentFigures(metrics: SlotMetrics | undefined, seconds = 10): TrafficFigures[] {
  if (!metrics) return [];
  const newest = Math.max(...metrics.series.flatMap((series) => series.points.map((point) => Date.parse(point.t))));
  if (!Number.isFinite(newest)) return [];
  const from = newest - seconds * 1000;
  return metrics.series
    .map((item) => ({ item, points: item.points.filter((point) => Date.parse(point.t) > from) }))
    .filter(({ points }) => points.length > 0)
    .map(({ item, points }) => {
      const requests = points.reduce((sum, point) => sum + point.requests, 0);
      const status5xx = points.reduce((sum, point) => sum + point.status5xx, 0);
      const p95s = points.map((point) => point.p95Ms).filter((value): value is number => value !== null);
      return {
        color: item.color,
        deploymentId: item.deploymentId,
        requestsPerSecond: requests / (points.length * metrics.stepSeconds),
        errorPercent: errorRate({ requests, status5xx }),
        p95Ms: p95s.length === 0 ? null : Math.max(...p95s),
      };
    })
    .reverse();
}

/** The whole slot over the last `seconds`, all colors together: requests per second and share of 5xx. */
export function slotFigures(metrics: SlotMetrics | undefined, seconds = 10): { requestsPerSecond: number; errorPercent: number | null } {
  const newest = metrics ? Math.max(...metrics.series.flatMap((series) => series.points.map((point) => Date.parse(point.t)))) : NaN;
  if (!metrics || !Number.isFinite(newest)) return { requestsPerSecond: 0, errorPercent: null };
  const points = metrics.series.flatMap((series) => series.points).filter((point) => Date.parse(point.t) > newest - seconds * 1000);
  const steps = new Set(points.map((point) => point.t)).size;
  const requests = points.reduce((sum, point) => sum + point.requests, 0);
  const status5xx = points.reduce((sum, point) => sum + point.status5xx, 0);
  return { requestsPerSecond: steps === 0 ? 0 : requests / (steps * metrics.stepSeconds), errorPercent: errorRate({ requests, status5xx }) };
}

/** Requests per second of the slot, all colors together, one value per step: for a sparkline. */
export function totalRequestsPerSecond(metrics: SlotMetrics | undefined): number[] {
  if (!metrics) return [];
  const byTime = new Map<number, number>();
  for (const series of metrics.series) {
    for (const point of series.points) {
      const time = Date.parse(point.t);
      byTime.set(time, (byTime.get(time) ?? 0) + point.requests / metrics.stepSeconds);
    }
  }
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([, value]) => value);
}
