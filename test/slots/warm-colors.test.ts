import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlotSpec, type SlotSpecInput } from '../../agent-core/protocol';
import { processStartTime } from '../../agent-core/runner';
import { localJob, type SlotController } from '../../agent-core/slots';
import { findFreePort } from '../../agent-core/traffic';
import { startTestAgent, type TestAgent } from '../fixtures/agent-runtime';
import { sampleSlotSpec, writeSampleApp } from '../fixtures/slot-spec';
import { steadyLoad } from '../fixtures/steady-load';
import { waitFor } from '../fixtures/wait';

type TrafficInput = NonNullable<SlotSpecInput['traffic']>;

async function alive(pids: number[]): Promise<boolean[]> {
  return Promise.all(pids.map(async (pid) => (await processStartTime(pid)) !== null));
}

describe('warm colors', () => {
  let agent: TestAgent;
  let publicPort: number;
  let slot: SlotController;
  const deployVersion = (version: string) =>
    slot.deploy({ source: { kind: 'directory', path: writeSampleApp(join(agent.sourceRoot, version), version) }, trigger: 'local' }, localJob('test', `deploy-${version}`));
  const define = async (traffic: Partial<TrafficInput> = {}): Promise<void> => {
    slot = await agent.runtime.slots.define(
      SlotSpec.parse(
        sampleSlotSpec({
          traffic: { mode: 'blue-green', publicPort, healthCheck: { path: '/healthz', intervalMs: 100, timeoutMs: 10_000 }, drainTimeoutMs: 2_000, ...traffic },
        }),
      ),
      'local',
    );
  };

  beforeEach(async () => {
    agent = await startTestAgent({ publicHost: '127.0.0.1' });
    publicPort = await findFreePort({ range: [44000, 44999] });
  });
  afterEach(() => agent.close());

  it('keeps the old color running after a swap, and a rollback to it is a swap: no new process, no failed request under load', async () => {
    await define();
    const v1 = await deployVersion('v1');
    const v2 = await deployVersion('v2');
    expect(slot.statusSnapshot.warm).toMatchObject({ color: 'blue', deploymentId: v1.id });
    expect(agent.runtime.store.deployments.get(v1.id)).toMatchObject({ status: 'ready', isProduction: false });
    const pidsBefore = [...slot.runningPids].sort();
    expect(await alive(pidsBefore)).not.toContain(false);

    const load = steadyLoad(publicPort);
    await waitFor(() => load.answers.filter((answer) => answer.version === 'v2').length >= 20, 'load on v2');
    const startedAt = performance.now();
    const rolledBack = await slot.rollback(undefined, localJob('test', 'rollback'));
    const tookMs = performance.now() - startedAt;
    const sentBefore = load.answers.length;
    await waitFor(() => load.answers.slice(sentBefore).filter((answer) => answer.version === 'v1').length >= 20, 'load on v1');
    await load.stop();

    expect(rolledBack).toMatchObject({ id: v1.id, isProduction: true, status: 'ready', color: 'blue' });
    expect(load.failures).toEqual([]);
    expect(load.answers.filter((answer) => answer.status !== 200)).toEqual([]);
    expect([...slot.runningPids].sort()).toEqual(pidsBefore);
    expect(slot.statusSnapshot).toMatchObject({ liveColor: 'blue', productionDeploymentId: v1.id, warm: { color: 'green', deploymentId: v2.id } });
    // A swap, not a start: far under the time any process takes to start and pass a health check.
    expect(tookMs).toBeLessThan(1_000);
  });

  it('stops the warm color when keepWarmMs has passed, and its deployment is stopped', async () => {
    await define({ keepWarmMs: 1_500 });
    const v1 = await deployVersion('v1');
    const v1Pids = slot.runningPids;
    await deployVersion('v2');
    const warm = slot.statusSnapshot.warm!;
    expect(warm).toMatchObject({ color: 'blue', deploymentId: v1.id });
    expect(Date.parse(warm.until) - Date.now()).toBeLessThanOrEqual(1_500);
    await waitFor(() => slot.statusSnapshot.warm === null, 'the warm color to end', { timeoutMs: 15_000 });
    await waitFor(async () => !(await alive(v1Pids)).includes(true), 'the blue instance to stop');
    await waitFor(() => agent.runtime.store.deployments.get(v1.id)?.status === 'stopped', 'v1 to be stopped');
  });

  it('stops the warm color when the next deployment needs its working copy', async () => {
    await define();
    const v1 = await deployVersion('v1');
    const v1Pids = slot.runningPids;
    const v2 = await deployVersion('v2');
    const v3 = await deployVersion('v3');
    expect(v3.color).toBe('blue');
    expect(await alive(v1Pids)).not.toContain(true);
    expect(agent.runtime.store.deployments.get(v1.id)?.status).toBe('stopped');
    expect(slot.statusSnapshot.warm).toMatchObject({ color: 'green', deploymentId: v2.id });
  });

  it('fails a warm color whose service stays down on its own: the slot keeps running on its live color', async () => {
    await define();
    const v1 = await deployVersion('v1');
    const v2 = await deployVersion('v2');
    writeFileSync(join(agent.storagePath, 'slots', 'acme-web', 'qa-1', 'blue', 'CRASH'), '');
    const failed = await waitFor(() => {
      const deployment = agent.runtime.store.deployments.get(v1.id)!;
      return deployment.status === 'failed' ? deployment : null;
    }, 'the warm deployment to fail', { timeoutMs: 30_000 });
    expect(failed.error).toMatch(/exited with code 3 .*stays down/);
    await waitFor(() => slot.statusSnapshot.warm === null, 'the warm color to go');
    expect(slot.statusSnapshot).toMatchObject({ status: 'running', liveColor: 'green', productionDeploymentId: v2.id, error: null });
    const answer = await fetch(`http://127.0.0.1:${publicPort}/`);
    expect(answer.status).toBe(200);
  });

  it('stops the warm color with the slot', async () => {
    await define();
    await deployVersion('v1');
    await deployVersion('v2');
    const pids = slot.runningPids;
    expect(pids.length).toBeGreaterThanOrEqual(2);
    await slot.stop(localJob('test', 'stop'));
    expect(slot.statusSnapshot).toMatchObject({ status: 'available', warm: null });
    expect(await alive(pids)).not.toContain(true);
  });

  it('keeps no warm color with keepWarmMs 0: the old instance stops once drained', async () => {
    await define({ keepWarmMs: 0 });
    const v1 = await deployVersion('v1');
    const v1Pids = slot.runningPids;
    await deployVersion('v2');
    expect(slot.statusSnapshot.warm).toBeNull();
    await waitFor(async () => !(await alive(v1Pids)).includes(true), 'the blue instance to stop');
    await waitFor(() => agent.runtime.store.deployments.get(v1.id)?.status === 'stopped', 'v1 to be stopped');
  });
});
