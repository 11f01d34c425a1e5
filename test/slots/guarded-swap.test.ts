import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../agent-core/alerts';
import { SlotSpec, type SlotSpecInput } from '../../agent-core/protocol';
import { processStartTime } from '../../agent-core/runner';
import { localJob, type SlotController } from '../../agent-core/slots';
import { findFreePort } from '../../agent-core/traffic';
import { startTestAgent, type TestAgent } from '../fixtures/agent-runtime';
import { sampleSlotSpec, writeSampleApp } from '../fixtures/slot-spec';
import { steadyLoad } from '../fixtures/steady-load';
import { waitFor } from '../fixtures/wait';

type TrafficInput = NonNullable<SlotSpecInput['traffic']>;

describe('guarded swaps', () => {
  let agent: TestAgent;
  let publicPort: number;
  let slot: SlotController;
  const alerts: Alert[] = [];
  const deployVersion = (version: string) =>
    slot.deploy({ source: { kind: 'directory', path: writeSampleApp(join(agent.sourceRoot, version), version) }, trigger: 'local' }, localJob('test', `deploy-${version}`));
  const define = async (guard: NonNullable<TrafficInput['guard']>): Promise<void> => {
    slot = await agent.runtime.slots.define(
      SlotSpec.parse(
        sampleSlotSpec({
          traffic: { mode: 'blue-green', publicPort, healthCheck: { path: '/healthz', intervalMs: 100, timeoutMs: 10_000 }, drainTimeoutMs: 2_000, keepWarmMs: 0, guard },
        }),
      ),
      'local',
    );
  };

  beforeEach(async () => {
    agent = await startTestAgent({ publicHost: '127.0.0.1' });
    publicPort = await findFreePort({ range: [44000, 44999] });
    alerts.length = 0;
    agent.runtime.alerts.on('alert', (alert) => alerts.push(alert));
  });
  afterEach(() => agent.close());

  it('swaps back by itself within a second of minRequests when the new version answers 5xx, and the swap back fails no request', async () => {
    await define({ windowMs: 60_000, maxErrorRate: 0.05, minRequests: 20 });
    const v1 = await deployVersion('v1');
    const load = steadyLoad(publicPort);
    await waitFor(() => load.answers.filter((answer) => answer.version === 'v1').length >= 20, 'load on v1');
    const bad = await deployVersion('pages-500');
    // The swap itself succeeded: the result says ready and production; the guard is watching.
    expect(bad).toMatchObject({ status: 'ready', isProduction: true });
    expect(slot.statusSnapshot.guard).toMatchObject({ deploymentId: bad.id, previousDeploymentId: v1.id, minRequests: 20 });
    const failed = await waitFor(() => {
      const deployment = agent.runtime.store.deployments.get(bad.id)!;
      return deployment.status === 'failed' ? deployment : null;
    }, 'the guard to trip');
    const afterTrip = load.answers.length;
    await waitFor(() => load.answers.slice(afterTrip).filter((answer) => answer.version === 'v1').length >= 20, 'load back on v1');
    await load.stop();

    expect(failed.errorCode).toBe('GUARD_TRIPPED');
    expect(failed.error).toMatch(new RegExp(`swapped back to deployment ${v1.id}: \\d+ of \\d+ requests \\(\\d+(\\.\\d)?%\\) answered 5xx`));
    // Every request got an answer; the only errors are the bad version's own pages.
    expect(load.failures).toEqual([]);
    const errors = load.answers.filter((answer) => answer.status !== 200);
    expect(errors.every((answer) => answer.status === 500 && answer.version === 'pages-500')).toBe(true);
    expect(errors.length).toBeGreaterThanOrEqual(20);
    // Within a second of the 20th error, v1 answered again.
    const twentieth = errors[19]!;
    const back = load.answers.find((answer) => answer.at >= twentieth.at && answer.version === 'v1')!;
    expect(back.at - twentieth.at).toBeLessThan(1_000);

    expect(slot.statusSnapshot).toMatchObject({ status: 'running', liveColor: 'blue', productionDeploymentId: v1.id, guard: null, warm: null });
    expect(agent.runtime.store.deployments.get(v1.id)).toMatchObject({ isProduction: true, status: 'ready' });
    expect(alerts.map((alert) => alert.event)).toEqual(['guard.tripped']);
    expect(alerts[0]!.message).toMatch(/swapped out: the guard swapped back/);
  });

  it('swaps back when the new color fails its health check during the window', async () => {
    await define({ windowMs: 60_000, maxErrorRate: 0.05, minRequests: 1_000 });
    const v1 = await deployVersion('v1');
    const v1Pids = slot.runningPids;
    const v2 = await deployVersion('v2');
    const v2Pids = slot.runningPids.filter((pid) => !v1Pids.includes(pid));
    writeFileSync(join(agent.storagePath, 'slots', 'acme-web', 'qa-1', 'green', 'UNHEALTHY'), '');
    const failed = await waitFor(() => {
      const deployment = agent.runtime.store.deployments.get(v2.id)!;
      return deployment.status === 'failed' ? deployment : null;
    }, 'the guard to trip');
    expect(failed.error).toMatch(/health check failed 2 times in a row .*answered 500/);
    expect(slot.statusSnapshot).toMatchObject({ liveColor: 'blue', productionDeploymentId: v1.id });
    const response = await fetch(`http://127.0.0.1:${publicPort}/`);
    expect(((await response.json()) as { version: string }).version).toBe('v1');
    expect(v2Pids.length).toBeGreaterThan(0);
    await waitFor(async () => (await Promise.all(v2Pids.map((pid) => processStartTime(pid)))).every((time) => time === null), 'the failed green instance to stop');
  });

  it('ends its watch when the window passes with the new color behaving, and keeps it live', async () => {
    await define({ windowMs: 1_500, maxErrorRate: 0.05, minRequests: 5 });
    const v1 = await deployVersion('v1');
    const v2 = await deployVersion('v2');
    const load = steadyLoad(publicPort, 2);
    expect(slot.statusSnapshot.guard).toMatchObject({ deploymentId: v2.id });
    expect(slot.statusSnapshot.warm).toMatchObject({ deploymentId: v1.id });
    await waitFor(() => slot.statusSnapshot.guard === null, 'the guard window to end', { timeoutMs: 15_000 });
    await load.stop();
    expect(load.answers.every((answer) => answer.status === 200 && answer.version === 'v2')).toBe(true);
    expect(agent.runtime.store.deployments.get(v2.id)).toMatchObject({ status: 'ready', isProduction: true });
    expect(alerts).toEqual([]);
  });
});
