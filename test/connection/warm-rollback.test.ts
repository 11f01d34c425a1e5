import { describe, expect, it } from 'vitest';
import { findFreePort } from '../../agent-core/traffic';
import { gitSampleSlot, sampleAppOrigin } from '../fixtures/connected-agent';
import { useConnectedAgent } from '../fixtures/plane-setup';
import { steadyLoad } from '../fixtures/steady-load';
import { waitFor } from '../fixtures/wait';

interface Served {
  version: string;
  pid: number;
}

describe('warm colors and guarded swaps through the control plane, on the built agent', () => {
  const setup = useConnectedAgent('berth-warm-rollback-', { workspaceAllowlist: ['acme-web'] });

  const deploy = async (slot: unknown): Promise<{ id: string }> => {
    const { plane } = setup;
    const result = await plane.waitForResult(plane.command('slot.deploy', { slot, source: { kind: 'git', branch: 'main' } }), 60_000);
    expect(result).toMatchObject({ ok: true });
    return result.data as { id: string };
  };
  const served = async (port: number): Promise<Served> => (await (await fetch(`http://127.0.0.1:${port}/`)).json()) as Served;

  it('slot.rollback to the warm color swaps back to the same process, and host.status shows the warm color', { timeout: 120_000 }, async () => {
    const { plane, origin } = setup;
    const publicPort = await findFreePort({ range: [45000, 45999] });
    const slot = gitSampleSlot(origin, { id: 'slot_warm', name: 'qa-warm', traffic: { mode: 'blue-green', publicPort, healthCheck: { path: '/healthz', intervalMs: 100 }, drainTimeoutMs: 2_000 } });
    const v1 = await deploy(slot);
    const v1Process = await served(publicPort);
    origin.commit('main', { VERSION: 'v2\n' }, 'v2');
    const v2 = await deploy(slot);
    expect(await served(publicPort)).toMatchObject({ version: 'v2' });

    const status = await plane.waitForResult(plane.command('host.status', {}));
    const slotStatus = (status.data as { slots: { slotId: string; warm: unknown }[] }).slots.find((entry) => entry.slotId === 'slot_warm');
    expect(slotStatus?.warm).toMatchObject({ color: 'blue', deploymentId: v1.id });

    const load = steadyLoad(publicPort);
    await waitFor(() => load.answers.length >= 20, 'load on the slot');
    const rollback = await plane.waitForResult(plane.command('slot.rollback', { slotId: 'slot_warm' }));
    const mark = load.answers.length;
    await waitFor(() => load.answers.slice(mark).filter((answer) => answer.version === 'v1').length >= 20, 'load back on v1');
    await load.stop();

    expect(rollback).toMatchObject({ ok: true, data: { id: v1.id, isProduction: true, status: 'ready' } });
    expect(load.failures).toEqual([]);
    expect(load.answers.filter((answer) => answer.status !== 200)).toEqual([]);
    // The very process that served v1 before: a rollback to a warm color starts nothing.
    expect(await served(publicPort)).toEqual({ ...v1Process, color: 'blue' });
    const statuses = plane.received('slot.status').filter((frame) => frame.slotId === 'slot_warm');
    expect(statuses.at(-1)).toMatchObject({ liveColor: 'blue', productionDeploymentId: v1.id, warm: { color: 'green', deploymentId: v2.id } });
  });

  it('a guarded deploy of a version that answers 500 is swapped back by the agent, failed with GUARD_TRIPPED', { timeout: 120_000 }, async () => {
    const { plane } = setup;
    const publicPort = await findFreePort({ range: [45000, 45999] });
    const guardOrigin = sampleAppOrigin('v1');
    try {
      const slot = gitSampleSlot(guardOrigin, {
        id: 'slot_guard',
        name: 'qa-guard',
        traffic: { mode: 'blue-green', publicPort, healthCheck: { path: '/healthz', intervalMs: 100 }, drainTimeoutMs: 2_000, guard: { windowMs: 60_000, maxErrorRate: 0.1, minRequests: 20 } },
      });
      const v1 = await deploy(slot);
      const load = steadyLoad(publicPort);
      guardOrigin.commit('main', { VERSION: 'pages-500\n' }, 'a version whose pages fail');
      const bad = await deploy(slot);
      const failed = await waitFor(
        () => plane.received('deployment.update').find((frame) => frame.id === bad.id && frame.status === 'failed'),
        'the bad deployment to fail',
      );
      await load.stop();
      expect(failed).toMatchObject({ errorCode: 'GUARD_TRIPPED', isProduction: false });
      expect(failed.error).toMatch(/answered 5xx/);
      expect(await served(publicPort)).toMatchObject({ version: 'v1' });
      expect(load.failures).toEqual([]);
      expect(load.answers.filter((answer) => answer.status !== 200).every((answer) => answer.version === 'pages-500')).toBe(true);
      const production = plane.received('deployment.update').filter((frame) => frame.id === v1.id).at(-1);
      expect(production).toMatchObject({ isProduction: true, status: 'ready' });
    } finally {
      guardOrigin.cleanup();
    }
  });
});
