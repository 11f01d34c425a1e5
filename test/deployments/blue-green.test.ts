import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processStartTime } from '../../agent-core/runner';
import type { SlotController } from '../../agent-core/slots';
import { findFreePort } from '../../agent-core/traffic';
import { startTestAgent, type TestAgent } from '../fixtures/agent-runtime';
import { sampleSlotSpec, writeSampleApp } from '../fixtures/slot-spec';
import { waitFor } from '../fixtures/wait';
import { localJob } from '../../agent-core/slots';
import { SlotSpec } from '../../agent-core/protocol';

interface Served {
  version: string;
  color: string;
  pid: number;
}

async function get(port: number, path = '/'): Promise<{ status: number; body: Served | string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  const text = await response.text();
  return { status: response.status, body: response.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as Served) : text };
}

describe('blue-green deployments', () => {
  let agent: TestAgent;
  let publicPort: number;
  let slot: SlotController;
  const deployVersion = (version: string, options: { promote?: boolean } = {}) =>
    slot.deploy({ source: { kind: 'directory', path: writeSampleApp(join(agent.sourceRoot, version), version) }, trigger: 'local', ...options }, localJob('test', `deploy-${version}`));

  beforeEach(async () => {
    agent = await startTestAgent({ publicHost: '127.0.0.1' });
    publicPort = await findFreePort({ range: [44000, 44999] });
    slot = await agent.runtime.slots.define(SlotSpec.parse(sampleSlotSpec({
        traffic: { mode: 'blue-green', publicPort, healthCheck: { path: '/healthz', intervalMs: 100, timeoutMs: 5_000, watchIntervalMs: 100 }, drainTimeoutMs: 5_000, keepWarmMs: 0 },
      })),
      'local',
    );
  });
  afterEach(() => agent.close());

  it('answers 503 with a reason before the first deployment is healthy, then serves it', async () => {
    const first = deployVersion('v1');
    await waitFor(async () => (await get(publicPort).catch(() => null))?.status === 503, 'the proxy to answer 503');
    const waiting = await get(publicPort);
    expect(waiting.body).toMatch(/no healthy instance/);
    const deployment = await first;
    expect(deployment).toMatchObject({ status: 'ready', color: 'blue', isProduction: true });
    expect(await get(publicPort)).toMatchObject({ status: 200, body: { version: 'v1', color: 'blue' } });
    expect(slot.statusSnapshot).toMatchObject({ status: 'running', liveColor: 'blue' });
  });

  it('flips the live color on the next deployment and stops the old instance after it drains', async () => {
    await deployVersion('v1');
    const oldPids = slot.runningPids;
    const second = await deployVersion('v2');
    expect(second.color).toBe('green');
    expect(await get(publicPort)).toMatchObject({ body: { version: 'v2', color: 'green' } });
    expect(slot.statusSnapshot.liveColor).toBe('green');
    await waitFor(async () => (await Promise.all(oldPids.map((pid) => processStartTime(pid)))).every((time) => time === null), 'the blue instance to stop');
  });

  it('loses no request during a swap under continuous load', async () => {
    await deployVersion('v1');
    let stop = false;
    const failures: string[] = [];
    const versions = new Set<string>();
    let sent = 0;
    const worker = async (): Promise<void> => {
      while (!stop && sent < 20_000) {
        sent += 1;
        try {
          const result = await get(publicPort);
          if (result.status !== 200) failures.push(`${result.status} ${String(result.body)}`);
          else versions.add((result.body as Served).version);
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, worker));
    await deployVersion('v2');
    await waitFor(() => versions.has('v2'), 'traffic to reach v2');
    stop = true;
    await load;
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(20);
  });

  it('finishes a long request on the old color after the swap', async () => {
    await deployVersion('v1');
    const long = get(publicPort, '/slow?ms=1500');
    await deployVersion('v2');
    expect(await get(publicPort)).toMatchObject({ body: { version: 'v2' } });
    expect(await long).toMatchObject({ status: 200, body: { version: 'v1', color: 'blue' } });
  });

  it('keeps the old color serving when the new deployment fails its health check, with the reason in its error', async () => {
    await deployVersion('v1');
    const failure = await deployVersion('unhealthy').catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'HEALTH_CHECK_FAILED', deployment: { status: 'failed', isProduction: false } });
    expect((failure as Error).message).toMatch(/answered 500/);
    expect((failure as Error).message).toMatch(/healthCheck\.timeoutMs/);
    expect(await get(publicPort)).toMatchObject({ body: { version: 'v1', color: 'blue' } });
    expect(slot.statusSnapshot).toMatchObject({ status: 'running', liveColor: 'blue' });
    const log = await slot.readLogs({ which: 'failure' });
    expect(log.text).toContain('deployment failed');
  });

  it('runs a deployment without promotion as a preview on its own port until it is promoted', async () => {
    await deployVersion('v1');
    const preview = await deployVersion('v2', { promote: false });
    expect(preview).toMatchObject({ status: 'ready', isProduction: false, color: 'green' });
    expect(slot.statusSnapshot.previewDeploymentIds).toEqual([preview.id]);
    expect(await get(preview.port!)).toMatchObject({ body: { version: 'v2' } });
    expect(await get(publicPort)).toMatchObject({ body: { version: 'v1' } });
    const promoted = await slot.promote(preview.id, localJob('test', 'promote'));
    expect(promoted.isProduction).toBe(true);
    expect(await get(publicPort)).toMatchObject({ body: { version: 'v2', color: 'green' } });
    expect(slot.statusSnapshot).toMatchObject({ liveColor: 'green', previewDeploymentIds: [], productionDeploymentId: preview.id });
  });

  it('rolls back to the previous production deployment from its intact working copy', async () => {
    const v1 = await deployVersion('v1');
    await deployVersion('v2');
    const rolledBack = await slot.rollback(undefined, localJob('test', 'rollback'));
    expect(rolledBack).toMatchObject({ id: v1.id, isProduction: true, status: 'ready' });
    expect(await get(publicPort)).toMatchObject({ body: { version: 'v1', color: 'blue' } });
    const production = agent.runtime.store.deployments.listForSlot(slot.id).filter((deployment) => deployment.isProduction);
    expect(production.map((deployment) => deployment.id)).toEqual([v1.id]);
  });

  it('rolls back to a snapshot whose working copy was reused by re-extracting it', async () => {
    const v1 = await deployVersion('v1');
    await deployVersion('v2');
    await deployVersion('v3');
    // blue now holds v3, green v2: v1 comes back by re-extraction into green.
    const rolledBack = await slot.rollback(v1.id, localJob('test', 'rollback'));
    expect(rolledBack).toMatchObject({ id: v1.id, isProduction: true, color: 'green' });
    expect(await get(publicPort)).toMatchObject({ body: { version: 'v1', color: 'green' } });
  });

  it('leaves exactly one production deployment when two promotions race', async () => {
    await deployVersion('v1');
    const a = await deployVersion('v2', { promote: false });
    const results = await Promise.allSettled([slot.promote(a.id, localJob('test', 'p1')), slot.rollback(undefined, localJob('test', 'p2'))]);
    expect(results.map((result) => result.status)).toContain('fulfilled');
    const production = agent.runtime.store.deployments.listForSlot(slot.id).filter((deployment) => deployment.isProduction);
    expect(production).toHaveLength(1);
    expect(slot.statusSnapshot.productionDeploymentId).toBe(production[0]!.id);
    expect((await get(publicPort)).body).toMatchObject({ version: production[0]!.id === a.id ? 'v2' : 'v1' });
  });

  it('refuses a public port that another program holds with PORT_IN_USE', async () => {
    const blocker = (await import('node:net')).createServer();
    const taken = await findFreePort({ range: [45000, 45999] });
    await new Promise<void>((resolve) => blocker.listen(taken, '127.0.0.1', resolve));
    try {
      const other = await agent.runtime.slots.define(SlotSpec.parse(sampleSlotSpec({ id: 'slot_other', name: 'qa-2', traffic: { mode: 'blue-green', publicPort: taken } })),
        'local',
      );
      const failure = await other
        .deploy({ source: { kind: 'directory', path: writeSampleApp(join(agent.sourceRoot, 'x'), 'v1') }, trigger: 'local' }, localJob('test', 'd'))
        .catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: 'PORT_IN_USE' });
      expect((failure as Error).message).toContain(`public port ${taken} is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('stops the slot: the proxy answers 503 and no instance is left', async () => {
    await deployVersion('v1');
    const pids = slot.runningPids;
    await slot.stop(localJob('test', 'stop'));
    expect((await get(publicPort)).status).toBe(503);
    for (const pid of pids) expect(await processStartTime(pid)).toBeNull();
  });

  it('watches the live color: three failed checks put the slot in error and restart its service, and recovery is reported', async () => {
    await deployVersion('v1');
    const [before] = slot.runningPids;
    const flag = join(agent.storagePath, 'slots', 'acme-web', 'qa-1', 'blue', 'UNHEALTHY');
    writeFileSync(flag, '');
    const failing = await waitFor(() => (slot.statusSnapshot.status === 'error' ? slot.statusSnapshot : null), 'the slot to turn error');
    expect(failing.error).toMatch(/live instance \(blue\) stopped answering its health check: .*answered 500.*3 checks in a row/);
    await waitFor(() => slot.runningPids.length === 1 && slot.runningPids[0] !== before, 'the service to be restarted');
    rmSync(flag);
    await waitFor(() => slot.statusSnapshot.status === 'running', 'the slot to recover');
    expect(slot.statusSnapshot.error).toBeNull();
    expect(await get(publicPort)).toMatchObject({ status: 200, body: { version: 'v1' } });
  });
});
