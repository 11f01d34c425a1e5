import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pty from 'node-pty';
import { WebSocket } from 'ws';
import { readLocalApiAccess } from '../../agent-core/local-api';
import type { MetricsSeries, SlotMetrics } from '../../agent-core/protocol';
import type { LocalApiClient, MetricsEvent } from '../../agent-core/protocol/local-api';
import { findFreePort } from '../../agent-core/traffic';
import { runCli } from '../fixtures/berth-agent-cli';
import { BUILT_AGENT } from '../fixtures/built-agent';
import { gitSampleSlot, startConnectedSetup, type ConnectedSetup } from '../fixtures/connected-agent';
import type { FixtureControlPlane } from '../fixtures/control-plane';
import { httpRequest } from '../fixtures/http-request';
import { upgradeStatus } from '../fixtures/upgrade-status';
import { waitFor } from '../fixtures/wait';

const SLOT_ID = 'slot_metrics';
const TIMEOUT = 120_000;

const requestsOf = (series: MetricsSeries): number => series.points.reduce((sum, point) => sum + point.requests, 0);

/** The built agent, connected to a fixture control plane, running the sample app blue-green; real requests through its proxy. */
describe('traffic metrics through the built agent', () => {
  let setup: ConnectedSetup;
  let plane: FixtureControlPlane;
  let storage: ConnectedSetup['storage'];
  let client: LocalApiClient;
  let publicPort: number;
  let slot: ReturnType<typeof gitSampleSlot>;
  const keepAlive = new Agent({ keepAlive: true, maxSockets: 4 });

  async function deploy(): Promise<string> {
    const commandId = plane.command('slot.deploy', { slot, source: { kind: 'git', branch: 'main' } });
    const result = await plane.waitForResult(commandId, 90_000);
    expect(result.ok, JSON.stringify(result.error)).toBe(true);
    return (result.data as { id: string }).id;
  }

  async function slotMetrics(windowSeconds = 300): Promise<SlotMetrics> {
    const result = await plane.waitForResult(plane.command('slot.metrics', { slotId: SLOT_ID, windowSeconds }), 30_000);
    expect(result.ok, JSON.stringify(result.error)).toBe(true);
    return result.data as SlotMetrics;
  }

  async function send(count: number): Promise<void> {
    for (let i = 0; i < count; i++) expect((await httpRequest(`http://127.0.0.1:${publicPort}/`, { agent: keepAlive })).status).toBe(200);
  }

  beforeAll(async () => {
    setup = await startConnectedSetup('berth-metrics-');
    ({ plane, storage, client } = setup);
    publicPort = await findFreePort({ range: [44000, 44999] });
    slot = gitSampleSlot(setup.origin, {
      id: SLOT_ID,
      name: 'qa-metrics',
      traffic: { mode: 'blue-green', publicPort, healthCheck: { path: '/healthz', timeoutMs: 20_000, intervalMs: 100 }, drainTimeoutMs: 2_000 },
    });
  }, TIMEOUT);

  afterAll(async () => {
    keepAlive.destroy();
    await setup?.close();
  }, 60_000);

  it('answers slot.metrics with exact counts per color, and a swap starts a new series', { timeout: TIMEOUT }, async () => {
    const first = await deploy();
    await send(25);
    const before = await waitFor(async () => {
      const metrics = await slotMetrics();
      return metrics.series.length === 1 && requestsOf(metrics.series[0]!) === 25 ? metrics : null;
    }, '25 requests in the first series', { timeoutMs: 15_000, intervalMs: 500 });
    expect(before).toMatchObject({ slotId: SLOT_ID, stepSeconds: 1 });
    const firstColor = before.series[0]!.color;
    expect(before.series[0]!.deploymentId).toBe(first);
    expect(before.series[0]!.points.every((point) => point.status5xx === 0 && point.status4xx === 0)).toBe(true);

    const second = await deploy();
    await send(10);
    const after = await waitFor(async () => {
      const metrics = await slotMetrics();
      const next = metrics.series.find((series) => series.deploymentId === second);
      return next && requestsOf(next) === 10 ? metrics : null;
    }, '10 requests in the second series', { timeoutMs: 15_000, intervalMs: 500 });
    expect(after.series.map((series) => [series.color, series.deploymentId, requestsOf(series)])).toEqual([
      [firstColor, first, 25],
      [firstColor === 'blue' ? 'green' : 'blue', second, 10],
    ]);
    // Over 5 minutes the window is read in 10 s steps; the counts are the same.
    const hour = await slotMetrics(3600);
    expect(hour.stepSeconds).toBe(10);
    expect(hour.series.every((series) => series.points.every((point) => Date.parse(point.t) % 10_000 === 0))).toBe(true);
  });

  it('sends a local-API subscriber one metrics event per 1 s step, with a point per live series', { timeout: TIMEOUT }, async () => {
    const events: MetricsEvent[] = [];
    const stream = await client.subscribeMetrics({ slot: SLOT_ID, windowSeconds: 60 }, (event) => events.push(event));
    expect(stream.metrics).toEqual([expect.objectContaining({ slotId: SLOT_ID, stepSeconds: 1 })]);
    await waitFor(() => events.length >= 4, 'four metrics events', { timeoutMs: 15_000 });
    await stream.close();
    const times = events.map((event) => Date.parse(event.series[0]!.points[0]!.t) / 1000);
    // One event per step: each a second after the one before, none twice, none missed.
    expect(times.slice(1).map((t, index) => t - times[index]!)).toEqual(Array(times.length - 1).fill(1));
    for (const event of events) {
      expect(event).toMatchObject({ slotId: SLOT_ID, stepSeconds: 1 });
      expect(event.series.every((series) => series.points.length === 1)).toBe(true);
    }
  });

  it('follows every blue-green slot in 10 s steps when the window is over 5 minutes', { timeout: TIMEOUT }, async () => {
    const events: MetricsEvent[] = [];
    const stream = await client.subscribeMetrics({ windowSeconds: 600 }, (event) => events.push(event));
    expect(stream.metrics.map((metrics) => [metrics.slotId, metrics.stepSeconds])).toEqual([[SLOT_ID, 10]]);
    const ten = await waitFor(() => events[0], 'a 10 s step', { timeoutMs: 25_000 });
    await stream.close();
    expect(ten).toMatchObject({ slotId: SLOT_ID, stepSeconds: 10 });
    expect(Date.parse(ten.series[0]!.points[0]!.t) % 10_000).toBe(0);
  });

  it('prints a line per slot color with berth-agent top --once', { timeout: TIMEOUT }, async () => {
    await send(5);
    const top = await runCli(['top', '--once', '--storage', storage.path]);
    expect(top.code, top.stderr).toBe(0);
    const [header, ...rows] = top.stdout.trim().split('\n');
    expect(header).toMatch(/^SLOT\s+COLOR\s+DEPLOYMENT\s+REQ\/S\s+ERR %\s+4XX\s+P95 MS\s+IN FLIGHT\s+LAST 60 S$/);
    expect(rows.some((row) => /^acme-web\/qa-metrics\s+● (blue|green)\s+dep_\w+\s+\d+\s+[\d.-]+\s+0\s+[\d.-]+\s+\d+/.test(row))).toBe(true);
  });

  it('redraws the live view on a terminal each second and quits on q, or on Ctrl+C', { timeout: TIMEOUT }, async () => {
    for (const quit of ['q', '\u0003']) {
      const terminal = pty.spawn(process.execPath, [BUILT_AGENT, 'top', '--storage', storage.path], {
        cols: 160,
        rows: 30,
        env: { PATH: process.env.PATH!, HOME: process.env.HOME! },
      });
      let output = '';
      terminal.onData((data) => (output += data));
      const exited = new Promise<number>((resolve) => terminal.onExit(({ exitCode }) => resolve(exitCode)));
      const frames = (): number => output.split('berth-agent top ·').length - 1;
      await waitFor(() => frames() >= 3 && output.includes('acme-web/qa-metrics'), `three frames of top, in:\n${output}`, { timeoutMs: 20_000 });
      terminal.write(quit);
      expect(await exited).toBe(0);
      // The cursor it hid is shown again.
      expect(output.lastIndexOf('\x1b[?25h')).toBeGreaterThan(output.lastIndexOf('\x1b[?25l'));
    }
  });

  it('lets no unauthenticated local connection read metrics: no token, a wrong one or a foreign page are refused', { timeout: TIMEOUT }, async () => {
    const { port, token } = readLocalApiAccess(storage.path);
    const host = { Host: `127.0.0.1:${port}` };
    expect(await upgradeStatus(port, host)).toBe(401);
    expect(await upgradeStatus(port, { ...host, Authorization: `Bearer ${token.slice(0, -1)}x` })).toBe(401);
    expect(await upgradeStatus(port, { ...host, Authorization: `Bearer ${token}`, Origin: 'http://evil.example' })).toBe(403);
    const refused = new WebSocket(`ws://127.0.0.1:${port}/api`);
    const frames: string[] = [];
    refused.on('message', (data) => frames.push(String(data)));
    refused.on('open', () => refused.send(JSON.stringify({ type: 'request', id: 1, method: 'metrics.read', params: { slot: SLOT_ID } })));
    await expect(new Promise((_, reject) => refused.once('error', reject))).rejects.toThrow(/401/);
    expect(frames).toEqual([]);
  });
});
