import { closeSync, fstatSync, openSync, readdirSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectToAgent } from '../../agent-core/cli/local-api-connection';
import { findFreePort } from '../../agent-core/traffic';
import { startAgentProcess, type AgentProcess } from '../fixtures/agent-process';
import { ensureAgentBuilt } from '../fixtures/built-agent';
import { gitSampleSlot, sampleAppOrigin, stopAgent, withBuildStep } from '../fixtures/connected-agent';
import { FixtureControlPlane, type Frame } from '../fixtures/control-plane';
import type { GitOrigin } from '../fixtures/git-origin';
import { httpRequest } from '../fixtures/http-request';
import { mountSmallDisk } from '../fixtures/small-disk';
import { waitFor } from '../fixtures/wait';

const DISK_MB = 60;
// Prints 90 MB in 64 KB writes, waiting for the terminal to take each one.
const NOISY_BUILD = `const chunk = ('x'.repeat(1023) + '\\n').repeat(64); let left = 90 * 16;
function more() { while (left-- > 0) { if (!process.stdout.write(chunk)) { process.stdout.once('drain', more); return; } } }
more();`;

/** The last `bytes` of a file, as text. */
function tailOf(path: string, bytes: number): string {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buffer = Buffer.alloc(Math.min(bytes, size));
    readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

const disk = mountSmallDisk(DISK_MB);
const cannotMount = typeof disk === 'string' ? disk : null;
const storage = typeof disk === 'string' ? '' : join(disk.path, 'storage');

describe.skipIf(cannotMount !== null)(cannotMount === null ? 'a full storage disk' : `a full storage disk (skipped: ${cannotMount})`, () => {
  let plane: FixtureControlPlane;
  let agent: AgentProcess;
  let origin: GitOrigin;
  let publicPort: number;

  beforeAll(async () => {
    ensureAgentBuilt();
    plane = await FixtureControlPlane.start();
    origin = sampleAppOrigin('v1');
    publicPort = await findFreePort({ range: [20_000, 40_000] });
    const env: NodeJS.ProcessEnv = { ...process.env, BERTH_API_KEY: 'test-key' };
    agent = startAgentProcess(['run', '--storage', storage, '--server', plane.url, '--name', 'full-disk'], env);
    await plane.waitForSession(0, 60_000);
  }, 300_000);

  afterAll(async () => {
    if (agent) await stopAgent(agent);
    await plane?.stop();
    origin?.cleanup();
    if (typeof disk !== 'string') disk.remove();
  }, 60_000);

  it('fails only the deployment that filled it, keeps the live slot serving and the agent up, loses no message, and deploys again once space is freed', async () => {
    const live = gitSampleSlot(origin, {
      id: 'slot_live',
      name: 'live',
      traffic: { mode: 'blue-green', publicPort, healthCheck: { path: '/healthz', timeoutMs: 30_000, intervalMs: 100 }, drainTimeoutMs: 1_000 },
    });
    const first = await plane.waitForResult(plane.command('slot.deploy', { slot: live, source: { kind: 'git', branch: 'main' } }), 120_000);
    expect(first.ok, JSON.stringify(first.error)).toBe(true);

    // Requests to the live slot all through what follows.
    let served = 0;
    const failures: string[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        try {
          const answer = await httpRequest(`http://127.0.0.1:${publicPort}/`, { timeoutMs: 5_000 });
          if (answer.status === 200) served += 1;
          else failures.push(`HTTP ${answer.status}: ${answer.body}`);
        } catch (error) {
          failures.push((error as Error).message);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    const noisy = withBuildStep(gitSampleSlot(origin, { id: 'slot_noisy', name: 'noisy' }), NOISY_BUILD);
    const filled = await plane.waitForResult(plane.command('slot.deploy', { slot: noisy, source: { kind: 'git', branch: 'main' } }), 180_000);
    expect(filled.ok).toBe(false);
    expect(filled.error.code).toBe('STORAGE_FULL');
    expect(filled.error.message).toMatch(new RegExp(`^the storage disk is full: .* free at ${storage}; free space or move the storage folder$`));
    expect(filled.data).toMatchObject({ status: 'failed', error: filled.error.message });

    const logDir = join(storage, 'logs', 'slot_noisy');
    // The log stops where the disk filled, and says so on its last line. Only its end is read: reading
    // all of its tens of MB at once would stall this process, and with it the requests it keeps sending.
    expect(tailOf(join(logDir, readdirSync(logDir)[0]!), 64 * 1024)).toMatch(/\r\n\[berth\] output dropped: the disk is full \(.+ not written\)\r\n$/);

    // Under the floor now: a new deployment is refused before it starts.
    const refused = await plane.waitForResult(plane.command('slot.deploy', { slot: noisy, source: { kind: 'git', branch: 'main' } }), 60_000);
    expect(refused.ok).toBe(false);
    expect(refused.error.code).toBe('STORAGE_FULL');
    expect(refused.error.message).toContain('no new deployment while the storage disk is under its floor');

    // The window and the tray show it: the state the local API sends says the disk is low.
    const window = await connectToAgent(storage);
    try {
      expect((await window.call('state.get')).storage).toMatchObject({ low: true, message: expect.stringContaining(storage) });
    } finally {
      window.close();
    }

    const servedWhileFull = served;
    await waitFor(() => served > servedWhileFull + 20, 'the live slot answering after the disk filled');
    polling = false;
    await poller;
    expect(failures).toEqual([]);
    expect(agent.child.exitCode).toBeNull();
    expect(agent.output()).not.toMatch(/SqliteError|Uncaught|unhandled/i);
    expect(agent.output()).not.toContain('could not record an event for the control plane');

    // Every reliable message reached the control plane, in order, with no seq missing.
    await waitFor(() => plane.data.ackedSeq === Math.max(...plane.storedSeqs()), 'every message stored and acked', { timeoutMs: 30_000 });
    const seqs = plane.storedSeqs();
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
    expect(plane.data.outOfOrder).toEqual([]);
    const updates = plane.storedMessages().filter((frame: Frame) => frame.type === 'deployment.update' && frame.slotId === 'slot_noisy');
    expect(updates.at(-1)).toMatchObject({ status: 'failed', error: filled.error.message });

    // The person frees space; the next deployment works without restarting the agent.
    rmSync(logDir, { recursive: true, force: true });
    const quiet = withBuildStep(gitSampleSlot(origin, { id: 'slot_noisy', name: 'noisy' }), "console.log('a quiet build')");
    const again = await plane
      .waitForResult(plane.command('slot.deploy', { slot: quiet, source: { kind: 'git', branch: 'main' } }), 120_000)
      .catch((error: Error) => {
        throw new Error(`${error.message}\n--- agent output:\n${agent.output().slice(-6000)}`);
      });
    expect(again.ok, JSON.stringify(again.error)).toBe(true);
    expect(agent.child.exitCode).toBeNull();
    const after = await connectToAgent(storage);
    try {
      expect((await after.call('state.get')).storage).toMatchObject({ low: false, message: null });
    } finally {
      after.close();
    }
  }, 600_000);
});
