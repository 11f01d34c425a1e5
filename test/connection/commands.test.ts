import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deployment, SlotStatus } from '../../agent-core/protocol';
import { HostStatusResult } from '../../agent-core/protocol/control-plane';
import type { AgentProcess } from '../fixtures/agent-process';
import { gitSampleSlot, sampleAppOrigin, startConnectedAgent, stopAgent, withBuildStep } from '../fixtures/connected-agent';
import { FixtureControlPlane, type Frame } from '../fixtures/control-plane';
import type { GitOrigin } from '../fixtures/git-origin';
import { makeTempDir } from '../fixtures/temp-dir';
import { waitFor } from '../fixtures/wait';

async function answer(port: number): Promise<{ version: string; pid: number } | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/`);
    return (await response.json()) as { version: string; pid: number };
  } catch {
    return null;
  }
}

const TOKEN = 'tok_secret_4f9a1c';

/** Every byte of the agent's database files, as text: a secret must be in none of them. */
function databaseBytes(storagePath: string): string {
  return readdirSync(storagePath)
    .filter((name) => name.startsWith('berth.db'))
    .map((name) => readFileSync(join(storagePath, name)).toString('latin1'))
    .join('');
}

describe('commands', () => {
  let plane: FixtureControlPlane;
  let storage: ReturnType<typeof makeTempDir>;
  let origin: GitOrigin;
  let agent: AgentProcess;
  let slot: ReturnType<typeof gitSampleSlot>;
  const run = async (name: string, payload: unknown): Promise<Frame> => plane.waitForResult(plane.command(name, payload));

  beforeAll(async () => {
    plane = await FixtureControlPlane.start({ workspaceAllowlist: ['acme-web'] });
    storage = makeTempDir('berth-commands-');
    origin = sampleAppOrigin('v1');
    slot = gitSampleSlot(origin, { id: 'slot_cmd', name: 'qa-cmd', repository: { url: origin.url, token: TOKEN } });
    agent = startConnectedAgent(plane, storage.path);
    await plane.waitForSession();
  });

  afterAll(async () => {
    await stopAgent(agent);
    await plane.stop();
    origin.cleanup();
    storage.cleanup();
  });

  let first: Deployment;

  it('deploys a git branch into a single-mode slot: accepted, progress, then one result with the ready deployment', { timeout: 90_000 }, async () => {
    const commandId = plane.command('slot.deploy', { slot, source: { kind: 'git', branch: 'main' }, note: 'first' });
    const result = await plane.waitForResult(commandId);
    expect(result.ok, plane.describeCommand(commandId) + agent.output()).toBe(true);
    first = Deployment.parse(result.data);
    expect(first).toMatchObject({ slotId: 'slot_cmd', status: 'ready', isProduction: true, commandId, note: 'first' });
    expect(first.source).toMatchObject({ kind: 'git', branch: 'main', commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect((await answer(first.port!))?.version).toBe('v1');

    const messages = plane.messagesFor(commandId);
    expect(messages[0]!.type).toBe('accepted');
    expect(messages.at(-1)!.type).toBe('result');
    expect(messages.filter((message) => message.type === 'result')).toHaveLength(1);
    expect(messages.filter((message) => message.type === 'accepted')).toHaveLength(1);
    expect(messages.filter((message) => message.type === 'progress').map((message) => message.step)).toEqual(expect.arrayContaining(['source', 'startup', 'health', 'ready']));
    // Each command of the template as a typed step, beside the message a person reads.
    const commandSteps = messages.filter((message) => message.type === 'progress' && message.step === 'command');
    expect(commandSteps.at(-1)).toMatchObject({ command: { phase: 'startup', state: 'started', service: true }, message: expect.stringMatching(/ started \(service\)$/) });
    const updates = plane.storedMessages().filter((message) => message.type === 'deployment.update' && message.id === first.id).map((message) => message.status);
    expect(updates[0]).toBe('queued');
    expect(updates.at(-1)).toBe('ready');
    const statuses = plane.storedMessages().filter((message) => message.type === 'slot.status' && message.slotId === 'slot_cmd');
    expect(statuses.at(-1)).toMatchObject({ status: 'running', productionDeploymentId: first.id });
    expect(plane.invalidFrames).toEqual([]);
  });

  it('lists the slot deployments, newest first', async () => {
    const result = await run('deployments.list', { slotId: 'slot_cmd' });
    expect(result.ok).toBe(true);
    expect(result.data.deployments.map((deployment: Deployment) => deployment.id)).toEqual([first.id]);
  });

  it('returns the end of a deployment log, truncated to tailBytes', async () => {
    const whole = await run('slot.logs', { slotId: 'slot_cmd', which: 'latest' });
    expect(whole.ok).toBe(true);
    expect(whole.data).toMatchObject({ deploymentId: first.id, truncated: false });
    expect(whole.data.text).toContain('sample app v1 listening');
    const tail = await run('slot.logs', { slotId: 'slot_cmd', deploymentId: first.id, tailBytes: 20 });
    expect(tail.data.truncated).toBe(true);
    expect(Buffer.byteLength(tail.data.text)).toBeLessThanOrEqual(20);
  });

  it('answers host.status with the version, the slots and the free space of the storage path', async () => {
    const result = await run('host.status', {});
    const status = HostStatusResult.parse(result.data);
    expect(status.slots.map((entry) => entry.slotId)).toEqual(['slot_cmd']);
    expect(status.storage.path).toBe(storage.path);
    expect(status.storage.freeBytes).toBeGreaterThan(0);
  });

  it('streams live output to a log subscription with byte offsets, until unsubscribed', { timeout: 60_000 }, async () => {
    expect((await run('slot.logs.subscribe', { slotId: 'slot_cmd', subscriptionId: 'sub_1' })).ok).toBe(true);
    const restarted = await run('slot.restart', { slot });
    expect(restarted.ok).toBe(true);
    expect(SlotStatus.parse(restarted.data)).toMatchObject({ status: 'running' });
    const logs = await waitFor(() => {
      const frames = plane.received('log').filter((frame) => frame.subscriptionId === 'sub_1');
      return frames.some((frame) => frame.data.includes('listening')) ? frames : null;
    }, 'log frames with the restarted app output');
    expect(logs.every((frame) => frame.slotId === 'slot_cmd' && frame.deploymentId === first.id)).toBe(true);
    for (let i = 1; i < logs.length; i++) expect(logs[i]!.offset).toBe(logs[i - 1]!.offset + Buffer.byteLength(logs[i - 1]!.data));
    expect((await run('slot.logs.unsubscribe', { subscriptionId: 'sub_1' })).ok).toBe(true);
    const count = plane.received('log').length;
    expect((await run('slot.restart', { slot })).ok).toBe(true);
    expect(plane.received('log').length).toBe(count);
  });

  it('stops the slot (production deployment stopped, still production) and starts it again', { timeout: 60_000 }, async () => {
    const stopped = await run('slot.stop', { slot });
    expect(SlotStatus.parse(stopped.data)).toMatchObject({ status: 'available', productionDeploymentId: first.id });
    expect(await answer(first.port!)).toBeNull();
    const list = await run('deployments.list', { slotId: 'slot_cmd' });
    expect(list.data.deployments[0]).toMatchObject({ id: first.id, status: 'stopped', isProduction: true });
    const started = await run('slot.start', { slot });
    expect(SlotStatus.parse(started.data)).toMatchObject({ status: 'running', productionDeploymentId: first.id });
    const restartedPort = (await run('deployments.list', { slotId: 'slot_cmd' })).data.deployments[0].port;
    expect((await answer(restartedPort))?.version).toBe('v1');
  });

  let second: Deployment;

  it('deploys a new commit, rolls back to the previous production deployment and promotes the newer one again', { timeout: 120_000 }, async () => {
    origin.commit('main', { VERSION: 'v2\n' }, 'v2');
    const deployed = await run('slot.deploy', { slot, source: { kind: 'git', branch: 'main' } });
    expect(deployed.ok).toBe(true);
    second = Deployment.parse(deployed.data);
    expect((await answer(second.port!))?.version).toBe('v2');

    const rolledBack = await run('slot.rollback', { slotId: 'slot_cmd' });
    expect(rolledBack.ok, JSON.stringify(rolledBack.error)).toBe(true);
    expect(rolledBack.data).toMatchObject({ id: first.id, isProduction: true });
    expect((await answer(rolledBack.data.port))?.version).toBe('v1');

    const promoted = await run('slot.promote', { slotId: 'slot_cmd', deploymentId: second.id });
    expect(promoted.ok, JSON.stringify(promoted.error)).toBe(true);
    expect(promoted.data).toMatchObject({ id: second.id, isProduction: true });
    expect((await answer(promoted.data.port))?.version).toBe('v2');
  });

  it('soft-deletes an old deployment but refuses to delete the production one', async () => {
    const refused = await run('deployments.delete', { slotId: 'slot_cmd', deploymentId: second.id });
    expect(refused.ok).toBe(false);
    expect(refused.error.code).toBe('INVALID_PAYLOAD');
    const deleted = await run('deployments.delete', { slotId: 'slot_cmd', deploymentId: first.id });
    expect(deleted.ok).toBe(true);
    expect(deleted.data.expiresAt).not.toBeNull();
    const list = await run('deployments.list', { slotId: 'slot_cmd' });
    expect(list.data.deployments.map((deployment: Deployment) => deployment.id)).toEqual([second.id]);
  });

  it('merges branches in a batch deploy, skipping the one that conflicts', { timeout: 90_000 }, async () => {
    origin.commit('feature/a', { 'a.txt': 'a\n' }, 'feature a');
    origin.commit('feature/conflict', { VERSION: 'conflict\n' }, 'conflicting', { from: 'main' });
    origin.commit('main', { VERSION: 'v3\n' }, 'v3');
    const commandId = plane.command('slot.batchDeploy', { slot, starterBranch: 'main', branches: ['feature/a', 'feature/conflict'] });
    const result = await plane.waitForResult(commandId);
    expect(result.ok, plane.describeCommand(commandId)).toBe(true);
    expect(result.data.merged).toEqual(['feature/a']);
    expect(result.data.skipped).toEqual([expect.objectContaining({ branch: 'feature/conflict' })]);
    const skipped = plane.messagesFor(commandId).find((message) => message.type === 'progress' && message.outcome === 'skipped');
    expect(skipped).toMatchObject({ branch: 'feature/conflict' });
    expect((await answer(result.data.port))?.version).toBe('v3');
  });

  it('refuses a command for a workspace outside the allowlist, without storing its spec', async () => {
    const result = await run('slot.deploy', { slot: { ...slot, id: 'slot_other', name: 'other', workspace: 'other-team' }, source: { kind: 'git', branch: 'main' } });
    expect(result).toMatchObject({ ok: false, error: { code: 'WORKSPACE_NOT_ALLOWED' } });
    const status = await run('host.status', {});
    expect(status.data.slots.map((entry: SlotStatus) => entry.slotId)).toEqual(['slot_cmd']);
  });

  it('answers an unknown command name and a bad payload with a result, and keeps the connection', async () => {
    const unknown = await run('slot.teleport', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    const invalid = await run('slot.deploy', { slot: { ...slot, name: '../escape' }, source: { kind: 'git', branch: 'main' } });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    expect(invalid.error.message).toContain('slot.name');
    const missing = await run('deployments.list', { slotId: 'slot_missing' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(plane.connections).toBe(1);
  });

  it('cancels a queued command: its result is CANCELLED and it never runs', { timeout: 60_000 }, async () => {
    const restart = plane.command('slot.restart', { slot: withBuildStep(slot, 'setTimeout(() => {}, 1500);', 'pause') });
    const queued = plane.command('slot.stop', { slot });
    await waitFor(() => plane.messagesFor(queued).some((message) => message.type === 'accepted'), 'the stop to be accepted');
    plane.send({ type: 'cancel', commandId: queued });
    const cancelled = await plane.waitForResult(queued);
    expect(cancelled).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect((await plane.waitForResult(restart)).ok).toBe(true);
    const status = await run('host.status', {});
    expect(status.data.slots[0].status).toBe('running');
  });

  it('cancels a running deployment: the result is CANCELLED and carries the failed deployment', { timeout: 60_000 }, async () => {
    const slowSlot = withBuildStep(slot, 'setTimeout(() => {}, 60000);', 'slow build');
    const commandId = plane.command('slot.deploy', { slot: slowSlot, source: { kind: 'git', branch: 'main' } });
    await waitFor(() => plane.messagesFor(commandId).some((message) => message.type === 'progress' && message.step === 'startup'), 'the slow build to start');
    plane.send({ type: 'cancel', commandId });
    const result = await plane.waitForResult(commandId, 20_000);
    expect(result).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(result.data).toMatchObject({ status: 'failed', commandId });
  });

  it('removes the slot: its service stops and the host forgets it', { timeout: 60_000 }, async () => {
    const before = await run('deployments.list', { slotId: 'slot_cmd' });
    const live = before.data.deployments.find((deployment: Deployment) => deployment.isProduction);
    const removed = await run('slot.remove', { slotId: 'slot_cmd' });
    expect(removed).toMatchObject({ ok: true, data: {} });
    if (live?.port) expect(await answer(live.port)).toBeNull();
    const status = await run('host.status', {});
    expect(status.data.slots).toEqual([]);
    expect(plane.invalidFrames).toEqual([]);
  });

  it('never lets the repository token out: not in a frame, the agent log or its database', () => {
    const sent = plane.frames.filter((entry) => entry.direction === 'in').map((entry) => JSON.stringify(entry.frame));
    expect(sent.length).toBeGreaterThan(50);
    expect(sent.filter((frame) => frame.includes(TOKEN))).toEqual([]);
    expect(agent.output()).not.toContain(TOKEN);
    expect(databaseBytes(storage.path)).not.toContain(TOKEN);
  });
});
