import { describe, expect, it } from 'vitest';
import type { MetricsPoint, SlotMetrics } from '../../agent-core/protocol';
import { addStep, chartData, recentFigures, slotFigures, totalRequestsPerSecond } from '../../renderer/src/model/traffic-series';

const T0 = Date.parse('2026-12-04T18:00:00.000Z');
const at = (second: number) => new Date(T0 + second * 1000).toISOString();

function point(second: number, requests: number, status5xx = 0, p95Ms: number | null = 12): MetricsPoint {
  return { t: at(second), requests, status5xx, status4xx: 0, p50Ms: p95Ms, p95Ms, p99Ms: p95Ms, inFlight: 0 };
}

function step(second: number, ...series: [color: 'blue' | 'green', deploymentId: string, requests: number, status5xx?: number][]) {
  return { slotId: 'slot_a', stepSeconds: 1 as const, series: series.map(([color, deploymentId, requests, status5xx]) => ({ color, deploymentId, points: [point(second, requests, status5xx)] })) };
}

describe('traffic series in the window', () => {
  it('adds each step to its color\'s series, starts a new series at a swap, and keeps only the window', () => {
    let metrics: SlotMetrics | undefined;
    metrics = addStep(metrics, step(0, ['blue', 'dep_1', 10]));
    metrics = addStep(metrics, step(1, ['blue', 'dep_1', 12]));
    metrics = addStep(metrics, step(2, ['blue', 'dep_1', 3], ['green', 'dep_2', 9]));
    expect(metrics.series.map((series) => [series.color, series.deploymentId, series.points.map((item) => item.requests)])).toEqual([
      ['blue', 'dep_1', [10, 12, 3]],
      ['green', 'dep_2', [9]],
    ]);
    // The same step again (a reconnect's history) replaces the point instead of adding one.
    metrics = addStep(metrics, step(2, ['green', 'dep_2', 11]));
    expect(metrics.series[1]!.points.map((item) => item.requests)).toEqual([11]);
    // Past the window, old points and a series left empty go.
    metrics = addStep(metrics, step(4, ['green', 'dep_2', 5]), 2);
    expect(metrics.series.map((series) => [series.color, series.points.map((item) => item.t)])).toEqual([['green', [at(4)]]]);
  });

  it('lines the series up on one time axis for uPlot, with nulls where a color had no point and the swap marked', () => {
    let metrics = addStep(undefined, step(0, ['blue', 'dep_1', 10, 1]));
    metrics = addStep(metrics, step(1, ['blue', 'dep_1', 0], ['green', 'dep_2', 8]));
    metrics = addStep(metrics, step(2, ['green', 'dep_2', 6]));
    const data = chartData(metrics);
    expect(data.times).toEqual([0, 1, 2].map((second) => (T0 + second * 1000) / 1000));
    expect(data.series.map((series) => series.requestsPerSecond)).toEqual([
      [10, 0, null],
      [null, 8, 6],
    ]);
    expect(data.series[0]!.errorPercent).toEqual([10, null, null]);
    expect(data.swaps).toEqual([(T0 + 1000) / 1000]);
  });

  it('gives the figures of the last seconds per color, and the whole slot\'s for its sparkline', () => {
    let metrics = addStep(undefined, step(0, ['blue', 'dep_1', 100, 100]));
    for (let second = 1; second <= 10; second += 1) metrics = addStep(metrics, step(second, ['blue', 'dep_1', 20, 2], ['green', 'dep_2', 10]));
    expect(recentFigures(metrics, 10)).toEqual([
      { color: 'green', deploymentId: 'dep_2', requestsPerSecond: 10, errorPercent: 0, p95Ms: 12 },
      { color: 'blue', deploymentId: 'dep_1', requestsPerSecond: 20, errorPercent: 10, p95Ms: 12 },
    ]);
    expect(slotFigures(metrics, 10)).toEqual({ requestsPerSecond: 30, errorPercent: (20 / 300) * 100 });
    expect(totalRequestsPerSecond(metrics).slice(0, 2)).toEqual([100, 30]);
    expect(slotFigures(undefined)).toEqual({ requestsPerSecond: 0, errorPercent: null });
  });
});
