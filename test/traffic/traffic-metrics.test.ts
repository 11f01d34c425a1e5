import { Agent } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Color, MetricsSeries } from '../../agent-core/protocol';
import { SlotMetricsHistory, SlotProxy, Target, type MetricsStep } from '../../agent-core/traffic';
import { BUCKET_RELATIVE_ERROR, LatencyHistogram } from '../../agent-core/traffic/latency-histogram';
import { startHttpApp, type HttpApp } from '../fixtures/http-app';
import { httpRequest } from '../fixtures/http-request';
import { waitFor } from '../fixtures/wait';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A slot's proxy with its metrics history, stepped by hand at the times the test chooses. */
async function startSlot(): Promise<{ proxy: SlotProxy; origin: string; history: SlotMetricsHistory; steps: MetricsStep[] }> {
  const proxy = new SlotProxy();
  const port = await proxy.listen({ port: 0, host: '127.0.0.1' });
  cleanups.push(() => proxy.close());
  const steps: MetricsStep[] = [];
  const history = new SlotMetricsHistory({ clock: false, onStep: (step) => steps.push(step) });
  return { proxy, origin: `http://127.0.0.1:${port}`, history, steps };
}

async function startColor(color: Color, version: string): Promise<HttpApp> {
  const app = await startHttpApp({ color, version });
  cleanups.push(() => app.close());
  return app;
}

/** What SlotTraffic.swap does: a new Target per swap, live in the proxy and in the history. */
function swap(slot: { proxy: SlotProxy; history: SlotMetricsHistory }, color: Color, port: number, deploymentId: string): Target {
  const target = new Target({ port, color, deploymentId });
  cleanups.push(() => target.stop());
  target.markHealthy();
  slot.proxy.setTarget(target);
  slot.history.setLive(target);
  return target;
}

async function send(origin: string, path: string, count: number, agent: Agent): Promise<number[]> {
  return Promise.all(Array.from({ length: count }, async () => (await httpRequest(`${origin}${path}`, { agent })).status));
}

function sum(series: MetricsSeries, field: 'requests' | 'status4xx' | 'status5xx'): number {
  return series.points.reduce((total, point) => total + point[field], 0);
}

/** The proxy counts a request once its response is over on its side, which can be a moment after the client has it. */
async function counted(target: Target, requests: number): Promise<void> {
  await waitFor(() => target.totals().requests === requests, `${requests} requests counted on ${target.color}`);
}

function keepAlive(): Agent {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  cleanups.push(() => agent.destroy());
  return agent;
}

describe('traffic metrics', () => {
  it('counts every request, 4xx, 5xx and unreachable-app 502 exactly, per color', async () => {
    const slot = await startSlot();
    const agent = keepAlive();
    const blue = await startColor('blue', 'v1');
    const target = swap(slot, 'blue', blue.port, 'dep_1');
    expect(await send(slot.origin, '/', 23, agent)).toEqual(Array(23).fill(200));
    expect(await send(slot.origin, '/status/404', 7, agent)).toEqual(Array(7).fill(404));
    expect(await send(slot.origin, '/status/503', 5, agent)).toEqual(Array(5).fill(503));
    // The app goes away: the proxy answers 502 itself, and that is the color's 5xx too.
    await blue.close();
    expect(await send(slot.origin, '/', 4, agent)).toEqual(Array(4).fill(502));
    await counted(target, 39);

    slot.history.tick(Date.now() + 1000);
    const { stepSeconds, series } = slot.history.read(300);
    expect(stepSeconds).toBe(1);
    expect(series).toHaveLength(1);
    expect(series[0]).toMatchObject({ color: 'blue', deploymentId: 'dep_1' });
    expect(sum(series[0]!, 'requests')).toBe(39);
    expect(sum(series[0]!, 'status4xx')).toBe(7);
    expect(sum(series[0]!, 'status5xx')).toBe(9);
    expect(target.totals()).toEqual({ requests: 39, status4xx: 7, status5xx: 9 });
    expect(series[0]!.points.at(-1)!.t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('reads latency percentiles back within half a bucket of the recorded latencies', () => {
    const histogram = new LatencyHistogram();
    // 90 fast answers at 2 ms, 9 at 40 ms, one at 900 ms: p50 is 2 ms, p95 40 ms, p99 40 ms, max 900 ms.
    for (let i = 0; i < 90; i++) histogram.record(2);
    for (let i = 0; i < 9; i++) histogram.record(40);
    histogram.record(900);
    const within = (value: number | null, expected: number): void => {
      expect(value).not.toBeNull();
      expect(Math.abs(value! - expected) / expected).toBeLessThanOrEqual(BUCKET_RELATIVE_ERROR + 0.005);
    };
    within(histogram.percentile(0.5), 2);
    within(histogram.percentile(0.95), 40);
    within(histogram.percentile(0.99), 40);
    within(histogram.percentile(1), 900);
    expect(new LatencyHistogram().percentile(0.5)).toBeNull();
  });

  it('measures the latency of real requests through the proxy, no less than the app took', async () => {
    const slot = await startSlot();
    const agent = keepAlive();
    const blue = await startColor('blue', 'v1');
    const target = swap(slot, 'blue', blue.port, 'dep_1');
    await send(slot.origin, '/delay?ms=80', 6, agent);
    await counted(target, 6);
    slot.history.tick(Date.now() + 1000);
    const points = slot.history.read(300).series[0]!.points.filter((point) => point.requests > 0);
    const p50 = Math.min(...points.map((point) => point.p50Ms!));
    // A timer may fire a little early on some systems, never by a whole bucket; a busy machine only adds time.
    expect(p50).toBeGreaterThanOrEqual(80 * (1 - BUCKET_RELATIVE_ERROR) - 2);
    expect(p50).toBeLessThan(80 * 4);
  });

  it('starts a new series at each swap, even back to a color and deployment it had before', async () => {
    const slot = await startSlot();
    const agent = keepAlive();
    const blue = await startColor('blue', 'v1');
    const green = await startColor('green', 'v2');
    const first = swap(slot, 'blue', blue.port, 'dep_1');
    await send(slot.origin, '/', 3, agent);
    const second = swap(slot, 'green', green.port, 'dep_2');
    await send(slot.origin, '/', 5, agent);
    const third = swap(slot, 'blue', blue.port, 'dep_1');
    await send(slot.origin, '/', 2, agent);
    await counted(first, 3);
    await counted(second, 5);
    await counted(third, 2);
    slot.history.tick(Date.now() + 1000);

    const { series } = slot.history.read(300);
    expect(series.map((one) => `${one.color}/${one.deploymentId}:${sum(one, 'requests')}`)).toEqual([
      'blue/dep_1:3',
      'green/dep_2:5',
      'blue/dep_1:2',
    ]);
    // The step's event carries one point per series that has one in it.
    expect(slot.steps.at(-1)!.series.map((one) => one.points.length)).toEqual([1, 1, 1]);
  });

  it('adds ten 1 s steps into one 10 s step, and a window over 5 minutes reads 10 s steps', async () => {
    const slot = await startSlot();
    const agent = keepAlive();
    const blue = await startColor('blue', 'v1');
    const start = Math.ceil(Date.now() / 10_000) * 10_000 + 10_000;
    const target = swap(slot, 'blue', blue.port, 'dep_1');
    slot.history.tick(start);
    slot.steps.length = 0;
    for (let second = 0; second < 10; second++) {
      await send(slot.origin, second % 2 === 0 ? '/' : '/status/500', 2, agent);
      await counted(target, (second + 1) * 2);
      slot.history.tick(start + (second + 1) * 1000);
    }
    const tens = slot.steps.filter((step) => step.stepSeconds === 10);
    expect(tens).toHaveLength(1);
    expect(tens[0]!.series[0]!.points[0]).toMatchObject({ t: new Date(start).toISOString().replace('.000Z', 'Z'), requests: 20, status5xx: 10 });
    const read = slot.history.read(600);
    expect(read.stepSeconds).toBe(10);
    expect(read.series[0]!.points.at(-1)).toMatchObject({ requests: 20, status5xx: 10, status4xx: 0 });
    expect(slot.steps.filter((step) => step.stepSeconds === 1).slice(-10).map((step) => step.series[0]!.points[0]!.requests)).toEqual(Array(10).fill(2));
  });

  it('ends a swapped-out color\'s series at the next 10 s step once it is idle, keeping it readable', async () => {
    const slot = await startSlot();
    const agent = keepAlive();
    const blue = await startColor('blue', 'v1');
    const green = await startColor('green', 'v2');
    const start = Math.ceil(Date.now() / 10_000) * 10_000 + 10_000;
    const old = swap(slot, 'blue', blue.port, 'dep_1');
    slot.history.tick(start);
    await send(slot.origin, '/', 2, agent);
    await counted(old, 2);
    swap(slot, 'green', green.port, 'dep_2');
    for (let second = 1; second <= 20; second++) slot.history.tick(start + second * 1000);
    const last = slot.steps.at(-1)!;
    expect(last.series.map((one) => one.color)).toEqual(['green']);
    expect(slot.history.read(300).series.map((one) => one.color)).toEqual(['blue', 'green']);
  });
});
