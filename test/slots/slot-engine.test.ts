import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeploymentFailed } from '../../agent-core/deployments/deployment-failed';
import { deploymentLogPath } from '../../agent-core/logs';
import { processStartTime } from '../../agent-core/runner';
import { findFreePort } from '../../agent-core/traffic';
import { startTestAgent, type TestAgent } from '../fixtures/agent-runtime';
import { sampleSlotSpec, writeSampleApp } from '../fixtures/slot-spec';
import { makeTempDir } from '../fixtures/temp-dir';
import { waitFor } from '../fixtures/wait';
import { localJob } from '../../agent-core/slots';
import { SlotSpec } from '../../agent-core/protocol';

async function getJson(port: number): Promise<{ version: string; pid: number }> {
  const response = await fetch(`http://127.0.0.1:${port}/`);
  return (await response.json()) as { version: string; pid: number };
}

describe('slot engine', () => {
  let agent: TestAgent;
  let outside: ReturnType<typeof makeTempDir>;
  beforeEach(async () => {
    agent = await startTestAgent();
    outside = makeTempDir();
  });
  afterEach(async () => {
    await agent.close();
    outside.cleanup();
  });

  it('deploys a directory and serves it on the slot port, with the output in the deployment log', async () => {
    const port = await findFreePort({ range: [42000, 42999] });
    const app = writeSampleApp(join(agent.sourceRoot, 'app'), 'v1');
    const slot = await agent.runtime.slots.define(SlotSpec.parse(sampleSlotSpec({ traffic: { mode: 'single', publicPort: port } })), 'local');
    const deployment = await slot.deploy({ source: { kind: 'directory', path: app }, trigger: 'local' }, localJob('test', 'job-1'));
    expect(deployment).toMatchObject({ status: 'ready', isProduction: true, port });
    expect(deployment.contentHash).toMatch(/^sha256:/);
    expect(slot.statusSnapshot).toMatchObject({ status: 'running', productionDeploymentId: deployment.id });
    expect((await getJson(port)).version).toBe('v1');
    const logPath = deploymentLogPath(agent.storagePath, slot.id, deployment.id);
    await waitFor(() => readFileSync(logPath, 'utf8').includes(`sample app v1 listening on ${port}`), 'the service output in the log');
  });

  it('runs the initial commands once per working copy and the startup commands at every deployment', async () => {
    const counter = join(outside.path, 'count.txt');
    const app = writeSampleApp(join(agent.sourceRoot, 'app'), 'v1');
    const spec = sampleSlotSpec();
    spec.template.initial = [{ type: 'bash', name: 'install', arguments: `echo initial >> '${counter}'` }];
    spec.template.startup = [{ type: 'bash', name: 'build', arguments: `echo startup >> '${counter}'` }, ...spec.template.startup!];
    const slot = await agent.runtime.slots.define(SlotSpec.parse(spec), 'local');
    await slot.deploy({ source: { kind: 'directory', path: app }, trigger: 'local' }, localJob('test', 'first'));
    await slot.deploy({ source: { kind: 'directory', path: app }, trigger: 'local' }, localJob('test', 'second'));
    expect(readFileSync(counter, 'utf8').trim().split('\n')).toEqual(['initial', 'startup', 'startup']);
  });

  it('fails with UNKNOWN_VARIABLE naming the variable and the command before any command runs', async () => {
    const marker = join(outside.path, 'ran.txt');
    const app = writeSampleApp(join(agent.sourceRoot, 'app'), 'v1');
    const spec = sampleSlotSpec();
    spec.template.initial = [{ type: 'bash', name: 'install', arguments: `touch '${marker}'` }];
    spec.template.startup = [{ type: 'bash', name: 'web', arguments: 'node server.cjs --mode {Mode}', service: true }];
    const slot = await agent.runtime.slots.define(SlotSpec.parse(spec), 'local');
    const failure = await slot.deploy({ source: { kind: 'directory', path: app }, trigger: 'local' }, localJob('test', 'job')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeploymentFailed);
    expect(failure).toMatchObject({ code: 'UNKNOWN_VARIABLE', deployment: { status: 'failed' } });
    expect((failure as Error).message).toMatch(/\{Mode\}.*'web'/);
    expect(existsSync(marker)).toBe(false);
    expect(slot.statusSnapshot.status).toBe('error');
  });

  it('stops a slot with its shutdown commands and leaves no process behind, keeping the deployment as production', async () => {
    const marker = join(outside.path, 'shutdown.txt');
    const app = writeSampleApp(join(agent.sourceRoot, 'app'), 'v1');
    const spec = sampleSlotSpec();
    spec.template.shutdown = [{ type: 'bash', name: 'farewell', arguments: `echo "bye {SlotName}" > '${marker}'` }];
    const slot = await agent.runtime.slots.define(SlotSpec.parse(spec), 'local');
    const deployment = await slot.deploy({ source: { kind: 'directory', path: app }, trigger: 'local' }, localJob('test', 'deploy'));
    const pids = slot.runningPids;
    expect(pids.length).toBe(1);
    await slot.stop(localJob('test', 'stop'));
    expect(readFileSync(marker, 'utf8').trim()).toBe('bye qa-1');
    for (const pid of pids) expect(await processStartTime(pid)).toBeNull();
    expect(slot.statusSnapshot.status).toBe('available');
    expect(agent.runtime.store.deployments.get(deployment.id)).toMatchObject({ status: 'stopped', isProduction: true });
    expect(agent.runtime.store.slots.get(slot.id)?.desiredState).toBe('stopped');
  });

  it('starts a stopped slot again with its startup commands only', async () => {
    const port = await findFreePort({ range: [42000, 42999] });
    const app = writeSampleApp(join(agent.sourceRoot, 'app'), 'v1');
    const slot = await agent.runtime.slots.define(SlotSpec.parse(sampleSlotSpec({ traffic: { mode: 'single', publicPort: port } })), 'local');
    await slot.deploy({ source: { kind: 'directory', path: app }, trigger: 'local' }, localJob('test', 'deploy'));
    const before = (await getJson(port)).pid;
    await slot.restart(localJob('test', 'restart'));
    const after = await getJson(port);
    expect(after.version).toBe('v1');
    expect(after.pid).not.toBe(before);
    expect(slot.statusSnapshot.status).toBe('running');
  });

  it('restarts a crashing service three times in five minutes, then puts the slot in error with its exit code and last lines', async () => {
    const app = writeSampleApp(join(agent.sourceRoot, 'app'), 'v1');
    const spec = sampleSlotSpec();
    spec.template.startup = [{ type: 'bash', name: 'flaky', arguments: `echo "starting flaky"; sleep 0.2; echo "out of memory"; exit 7`, service: true }];
    const slot = await agent.runtime.slots.define(SlotSpec.parse(spec), 'local');
    await slot.deploy({ source: { kind: 'directory', path: app }, trigger: 'local' }, localJob('test', 'deploy'));
    const status = await waitFor(() => (slot.statusSnapshot.status === 'error' ? slot.statusSnapshot : null), 'the slot to give up', { timeoutMs: 20_000 });
    expect(status.error).toMatch(/service 'flaky' exited with code 7 and was restarted 3 times/);
    expect(status.error).toContain('out of memory');
    const log = await slot.readLogs({ which: 'latest' });
    expect(log.text.match(/starting flaky/g)?.length).toBe(4);
  });

  it('fails a task past its timeout, naming the command and the limit, and frees the queue', async () => {
    const app = writeSampleApp(join(agent.sourceRoot, 'app'), 'v1');
    const spec = sampleSlotSpec();
    spec.template.startup = [{ type: 'bash', name: 'migrate', arguments: 'sleep 30', timeoutMs: 300 }, ...spec.template.startup!];
    const slot = await agent.runtime.slots.define(SlotSpec.parse(spec), 'local');
    await expect(slot.deploy({ source: { kind: 'directory', path: app }, trigger: 'local' }, localJob('test', 'deploy'))).rejects.toThrow(/'migrate'.*(timeoutMs|0\.3 s|300 ms)/);
    expect(slot.queue.size).toBe(0);
  });

  it('cancels a running deployment at its next safe point', async () => {
    const app = writeSampleApp(join(agent.sourceRoot, 'app'), 'v1');
    const spec = sampleSlotSpec();
    spec.template.startup = [{ type: 'bash', name: 'slow build', arguments: 'echo building; sleep 30' }, ...spec.template.startup!];
    const slot = await agent.runtime.slots.define(SlotSpec.parse(spec), 'local');
    const running = slot.deploy({ source: { kind: 'directory', path: app }, trigger: 'local' }, localJob('test', 'deploy'));
    await waitFor(async () => (await slot.readLogs({ which: 'latest' }).catch(() => null))?.text.includes('building'), 'the build to start');
    expect(slot.queue.cancel('deploy')).toBe(true);
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED', deployment: { status: 'failed' } });
  });

  it('writes *** instead of a secret variable in the log', async () => {
    const app = writeSampleApp(join(agent.sourceRoot, 'app'), 'v1');
    const spec = sampleSlotSpec({ variables: { DbPassword: 'hunter2-very-secret' } });
    spec.template.variables = [{ name: 'DbPassword', secret: true }];
    spec.template.startup = [{ type: 'bash', name: 'show', arguments: 'echo "password={DbPassword}"' }, ...spec.template.startup!];
    const slot = await agent.runtime.slots.define(SlotSpec.parse(spec), 'local');
    const deployment = await slot.deploy({ source: { kind: 'directory', path: app }, trigger: 'local' }, localJob('test', 'deploy'));
    const logPath = deploymentLogPath(agent.storagePath, slot.id, deployment.id);
    const log = await waitFor(() => readFileSync(logPath, 'utf8').includes('password=') && readFileSync(logPath, 'utf8'), 'the task output in the log');
    expect(log).toContain('password=***');
    expect(log).not.toContain('hunter2-very-secret');
  });

  it('rolls back a single-mode slot to the snapshot of the earlier deployment, not to what its folder holds now', async () => {
    const port = await findFreePort({ range: [42000, 42999] });
    const app = join(agent.sourceRoot, 'app');
    const slot = await agent.runtime.slots.define(SlotSpec.parse(sampleSlotSpec({ traffic: { mode: 'single', publicPort: port } })), 'local');
    writeSampleApp(app, 'v1');
    const first = await slot.deploy({ source: { kind: 'directory', path: app }, trigger: 'local' }, localJob('test', 'first'));
    writeSampleApp(app, 'v2');
    await slot.deploy({ source: { kind: 'directory', path: app }, trigger: 'local' }, localJob('test', 'second'));
    expect((await getJson(port)).version).toBe('v2');
    const rolledBack = await slot.rollback(undefined, localJob('test', 'rollback'));
    expect(rolledBack).toMatchObject({ id: first.id, isProduction: true, status: 'ready', contentHash: first.contentHash });
    expect((await getJson(port)).version).toBe('v1');
  });

  it('refuses a preview on a single-mode slot, which has only one working copy, and keeps it running', async () => {
    const app = writeSampleApp(join(agent.sourceRoot, 'app'), 'v1');
    const slot = await agent.runtime.slots.define(SlotSpec.parse(sampleSlotSpec()), 'local');
    await slot.deploy({ source: { kind: 'directory', path: app }, trigger: 'local' }, localJob('test', 'first'));
    await expect(slot.deploy({ source: { kind: 'directory', path: app }, trigger: 'local', promote: false }, localJob('test', 'preview'))).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
      message: expect.stringContaining('cannot run a preview'),
    });
    expect(slot.statusSnapshot.status).toBe('running');
  });
});
