import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFreePort } from '../../agent-core/traffic';
import { databaseBytes } from '../fixtures/database-bytes';
import { gitSampleSlot, withBuildStep } from '../fixtures/connected-agent';
import type { Frame } from '../fixtures/control-plane';
import { useConnectedAgent } from '../fixtures/plane-setup';
import { waitFor } from '../fixtures/wait';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A task that starts a child, writes both pids to `pidFile`, then works for 60 s. */
function longTask(pidFile: string): string {
  const path = JSON.stringify(pidFile);
  return [
    "const { spawn } = require('node:child_process');",
    "const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });",
    `require('node:fs').writeFileSync(${path}, process.pid + ' ' + child.pid);`,
    "console.log('building for 60 s');",
    'setTimeout(() => {}, 60000);',
  ].join(' ');
}

describe('deploy commands on the built agent', () => {
  const setup = useConnectedAgent('berth-deploy-commands-', { workspaceAllowlist: ['acme-web'] });

  /** Deploys slot `slot_<name>` whose build is a 60 s task with a child; resolves once both run. */
  const deployLongTask = async (name: string) => {
    const { plane, storage, origin } = setup;
    const pidFile = join(storage.path, `${name}-task.pids`);
    const slot = withBuildStep(gitSampleSlot(origin, { id: `slot_${name}`, name: `qa-${name}` }), longTask(pidFile));
    const deploy = plane.command('slot.deploy', { slot, source: { kind: 'git', branch: 'main' } });
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').includes(' '), 'the 60 s task to start', { timeoutMs: 60_000 });
    return { slot, deploy, pids: readFileSync(pidFile, 'utf8').trim().split(' ').map(Number) };
  };

  it('runs each of three deploys sent together with the template its own command carried', { timeout: 180_000 }, async () => {
    const { plane, storage, origin, agent } = setup;
    const base = gitSampleSlot(origin, { id: 'slot_each', name: 'qa-each' });
    base.template.variables = [{ name: 'ApiUrl' }, { name: 'DbPassword', secret: true }];
    const markers = ['MARKER-ALPHA', 'MARKER-BRAVO', 'MARKER-CHARLIE'];
    const commandIds = markers.map((marker, index) => {
      const slot = withBuildStep(base, `console.log(${JSON.stringify(marker)})`, 'mark');
      slot.variables = { ApiUrl: `https://api-${index}.example`, DbPassword: `sekrit-pass-${index}` };
      return plane.command('slot.deploy', { slot, source: { kind: 'git', branch: 'main' } });
    });
    const results: Frame[] = [];
    for (const commandId of commandIds) results.push(await plane.waitForResult(commandId, 150_000));
    for (const [index, result] of results.entries()) {
      expect(result.ok, plane.describeCommand(commandIds[index]!) + agent.output()).toBe(true);
      const log = await plane.waitForResult(plane.command('slot.logs', { slotId: 'slot_each', deploymentId: result.data.id }));
      const others = markers.filter((_, other) => other !== index);
      expect(log.data.text).toContain(markers[index]);
      for (const other of others) expect(log.data.text).not.toContain(other);
    }
    // Each deployment keeps the secret-free spec it ran with and shows what changed since the one before.
    const second = results[1]!.data as { changes: { field: string; before: string | null; after: string | null }[] };
    expect(second.changes).toEqual(
      expect.arrayContaining([
        { field: 'template.startup[0].arguments', before: expect.stringContaining('MARKER-ALPHA'), after: expect.stringContaining('MARKER-BRAVO') },
        { field: 'variables.ApiUrl', before: '"https://api-0.example"', after: '"https://api-1.example"' },
      ]),
    );
    expect(second.changes.map((change) => change.field)).not.toContain('variables.DbPassword');
    expect(JSON.stringify(results)).not.toContain('sekrit-pass');
    expect(databaseBytes(storage.path)).not.toContain('sekrit-pass');
  });

  it('stops a slot during a 60 s task within seconds: the task and its child are gone, the deployment CANCELLED by the stop', { timeout: 120_000 }, async () => {
    const { plane, agent } = setup;
    const { slot, deploy, pids } = await deployLongTask('stop');
    const sentAt = Date.now();
    const stop = plane.command('slot.stop', { slot });
    const stopped = await plane.waitForResult(stop, 30_000);
    const tookMs = Date.now() - sentAt;
    expect(stopped.ok, plane.describeCommand(stop) + agent.output()).toBe(true);
    expect(tookMs).toBeLessThan(10_000);
    const cancelled = await plane.waitForResult(deploy);
    expect(cancelled).toMatchObject({ ok: false, error: { code: 'CANCELLED', message: expect.stringContaining(`cancelled by slot.stop (${stop})`) } });
    expect(cancelled.data).toMatchObject({ status: 'failed', error: expect.stringContaining('slot.stop') });
    await waitFor(() => pids.every((pid) => !alive(pid)), 'the task and its child to be gone', { timeoutMs: 10_000 });
  });

  it('removes a slot during a 60 s task within seconds, cancelling the deployment by the removal', { timeout: 120_000 }, async () => {
    const { plane, agent } = setup;
    const { deploy, pids } = await deployLongTask('remove');
    const sentAt = Date.now();
    const remove = plane.command('slot.remove', { slotId: 'slot_remove' });
    const removed = await plane.waitForResult(remove, 30_000);
    expect(removed.ok, plane.describeCommand(remove) + agent.output()).toBe(true);
    expect(Date.now() - sentAt).toBeLessThan(10_000);
    const cancelled = await plane.waitForResult(deploy);
    expect(cancelled).toMatchObject({ ok: false, error: { code: 'CANCELLED', message: expect.stringContaining(`cancelled by slot.remove (${remove})`) } });
    await waitFor(() => pids.every((pid) => !alive(pid)), 'the task and its child to be gone', { timeoutMs: 10_000 });
  });

  it('fails a crashing preview on its own: the slot keeps running on its live color, which serves every request', { timeout: 120_000 }, async () => {
    const { plane, storage, origin, agent } = setup;
    const publicPort = await findFreePort({ range: [43000, 43999] });
    const flag = join(storage.path, 'crash-preview');
    const live = gitSampleSlot(origin, {
      id: 'slot_preview',
      name: 'qa-preview',
      traffic: { mode: 'blue-green', publicPort, healthCheck: { path: '/healthz', timeoutMs: 20_000, intervalMs: 100 }, drainTimeoutMs: 1_000 },
    });
    const v1 = await plane.waitForResult(plane.command('slot.deploy', { slot: live, source: { kind: 'git', branch: 'main' } }));
    expect(v1.ok, agent.output()).toBe(true);
    // The preview's service dies as soon as the flag exists, and again at every restart.
    const crashing = structuredClone(live);
    crashing.template.startup = [
      {
        type: 'node',
        name: 'web',
        service: true,
        arguments: `const fs = require('node:fs'); require(require('node:path').resolve('server.cjs')); setInterval(() => { if (fs.existsSync(${JSON.stringify(flag)})) process.exit(3); }, 100);`,
      },
    ];
    const preview = await plane.waitForResult(plane.command('slot.deploy', { slot: crashing, source: { kind: 'git', branch: 'main' }, promote: false }));
    expect(preview.ok, agent.output()).toBe(true);
    writeFileSync(flag, '');
    const failed = await waitFor(
      () => plane.storedMessages().find((message) => message.type === 'deployment.update' && message.id === preview.data.id && message.status === 'failed'),
      'the preview deployment to fail',
      { timeoutMs: 60_000 },
    );
    expect(failed.error).toMatch(/service 'web' exited with code 3 and was restarted 3 times in 5 minutes; it stays down/);
    const statuses = () => plane.storedMessages().filter((message) => message.type === 'slot.status' && message.slotId === 'slot_preview');
    // The failed preview is stopped and leaves the slot's previews.
    await waitFor(() => statuses().at(-1)?.previewDeploymentIds.length === 0, 'the failed preview to be stopped', { timeoutMs: 30_000 });
    expect(statuses().map((status) => status.status)).not.toContain('error');
    expect(statuses().at(-1)).toMatchObject({ status: 'running', productionDeploymentId: v1.data.id, error: null });
    const answer = await fetch(`http://127.0.0.1:${publicPort}/`);
    expect(answer.status).toBe(200);
  });

  it('restarts a running blue-green slot with a changed variable under steady load, and no request fails', { timeout: 120_000 }, async () => {
    const { plane, origin, agent } = setup;
    const publicPort = await findFreePort({ range: [44000, 44999] });
    const slot = gitSampleSlot(origin, {
      id: 'slot_restart',
      name: 'qa-restart',
      traffic: { mode: 'blue-green', publicPort, healthCheck: { path: '/healthz', timeoutMs: 20_000, intervalMs: 100 }, drainTimeoutMs: 2_000 },
    });
    slot.template.variables = [{ name: 'Greeting' }];
    slot.template.startup = [{ type: 'node', name: 'web', service: true, arguments: "console.log('greeting {Greeting}'); require(require('node:path').resolve('server.cjs'));" }];
    slot.variables = { Greeting: 'hello-1' };
    const first = await plane.waitForResult(plane.command('slot.deploy', { slot, source: { kind: 'git', branch: 'main' } }));
    expect(first.ok, agent.output()).toBe(true);

    let loading = true;
    let answered = 0;
    const failures: string[] = [];
    const client = async (): Promise<void> => {
      while (loading) {
        try {
          const response = await fetch(`http://127.0.0.1:${publicPort}/`);
          await response.text();
          if (response.status === 200) answered += 1;
          else failures.push(`HTTP ${response.status}`);
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    };
    const clients = [client(), client(), client(), client()];
    await waitFor(() => answered > 20, 'the load to run');
    const restart = plane.command('slot.restart', { slot: { ...slot, variables: { Greeting: 'hello-2' } } });
    const restarted = await plane.waitForResult(restart, 90_000);
    const before = answered;
    await waitFor(() => answered > before + 20, 'the load to go on after the restart');
    loading = false;
    await Promise.all(clients);

    expect(restarted.ok, plane.describeCommand(restart) + agent.output()).toBe(true);
    expect(failures).toEqual([]);
    expect(restarted.data).toMatchObject({ status: 'running', liveColor: first.data.color === 'blue' ? 'green' : 'blue' });
    const log = await plane.waitForResult(plane.command('slot.logs', { slotId: 'slot_restart', deploymentId: restarted.data.productionDeploymentId }));
    expect(log.data.text).toContain('greeting hello-2');
  });

  it('keeps the old color serving when a blue-green restart fails its health check: HEALTH_CHECK_FAILED', { timeout: 120_000 }, async () => {
    const { plane, origin, agent } = setup;
    const publicPort = await findFreePort({ range: [45000, 45999] });
    const slot = gitSampleSlot(origin, {
      id: 'slot_restart_bad',
      name: 'qa-restart-bad',
      traffic: { mode: 'blue-green', publicPort, healthCheck: { path: '/healthz', timeoutMs: 3_000, intervalMs: 100 }, drainTimeoutMs: 1_000 },
    });
    const first = await plane.waitForResult(plane.command('slot.deploy', { slot, source: { kind: 'git', branch: 'main' } }));
    expect(first.ok, agent.output()).toBe(true);
    const broken = structuredClone(slot);
    broken.template.startup = [{ type: 'node', name: 'web', service: true, arguments: "require('node:http').createServer((q, s) => { s.writeHead(500); s.end(); }).listen(Number(process.env.PORT), '127.0.0.1');" }];
    const restart = plane.command('slot.restart', { slot: broken });
    const result = await plane.waitForResult(restart, 60_000);
    expect(result).toMatchObject({ ok: false, error: { code: 'HEALTH_CHECK_FAILED' } });
    const answer = await fetch(`http://127.0.0.1:${publicPort}/`);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { color: string }).color).toBe(first.data.color);
  });

  it('switches a slot from blue-green to single mode and back on the same public port', { timeout: 150_000 }, async () => {
    const { plane, origin, agent } = setup;
    const publicPort = await findFreePort({ range: [46000, 46999] });
    const healthCheck = { path: '/healthz', timeoutMs: 20_000, intervalMs: 100 };
    const blueGreen = gitSampleSlot(origin, { id: 'slot_modes', name: 'qa-modes', traffic: { mode: 'blue-green', publicPort, healthCheck, drainTimeoutMs: 1_000 } });
    const single = { ...blueGreen, traffic: { mode: 'single' as const, publicPort, healthCheck } };
    const status = () => plane.storedMessages().filter((message) => message.type === 'slot.status' && message.slotId === 'slot_modes').at(-1);
    const answer = async () => ((await (await fetch(`http://127.0.0.1:${publicPort}/`)).json()) as { color: string | null; pid: number });
    for (const [spec, color] of [[blueGreen, 'blue'], [single, 'single'], [blueGreen, 'blue']] as const) {
      const result = await plane.waitForResult(plane.command('slot.deploy', { slot: spec, source: { kind: 'git', branch: 'main' } }), 90_000);
      expect(result.ok, JSON.stringify(result.error) + agent.output()).toBe(true);
      expect(result.data.color ?? 'single').toBe(color);
      const served = await answer();
      expect(served.color).toBe(color);
      expect(status()).toMatchObject({ status: 'running', productionDeploymentId: result.data.id });
    }
  });

  it('fails a single-mode deployment with PORT_IN_USE when another program holds its public port', { timeout: 60_000 }, async () => {
    const { plane, origin } = setup;
    const publicPort = await findFreePort({ range: [47000, 47999] });
    const squatter = createServer((_request, response) => response.end('not berth'));
    await new Promise<void>((resolve) => squatter.listen(publicPort, '127.0.0.1', resolve));
    try {
      const slot = gitSampleSlot(origin, { id: 'slot_squatted', name: 'qa-squatted', traffic: { mode: 'single', publicPort, healthCheck: { path: '/healthz', timeoutMs: 5_000, intervalMs: 100 } } });
      const result = await plane.waitForResult(plane.command('slot.deploy', { slot, source: { kind: 'git', branch: 'main' } }));
      expect(result).toMatchObject({ ok: false, error: { code: 'PORT_IN_USE', message: expect.stringContaining(String(publicPort)) } });
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
