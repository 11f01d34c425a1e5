import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitSampleSlot, withBuildStep } from '../fixtures/connected-agent';
import { usePlanePerTest } from '../fixtures/plane-setup';
import { waitFor } from '../fixtures/wait';

/** The status of a deployment, read from the agent's database from outside. */
function deploymentStatus(storagePath: string, commandId: string): string | null {
  const db = new Database(join(storagePath, 'berth.db'), { readonly: true });
  try {
    return db.prepare<[string], { status: string }>('SELECT status FROM deployments WHERE command_id = ?').get(commandId)?.status ?? null;
  } finally {
    db.close();
  }
}

// 24 MB of output in 64 KiB writes, then the task ends.
const FLOOD = "const line = 'x'.repeat(1023) + '\\n'; const block = line.repeat(64); for (let i = 0; i < 384; i++) process.stdout.write(block); console.log('flood done');";

describe('log back-pressure', () => {
  // Pings go unanswered while the server reads nothing: a long interval keeps the session up meanwhile.
  const setup = usePlanePerTest('berth-backpressure-', { heartbeatIntervalMs: 120_000 });

  it('never makes a deployment wait for a slow server: live output is dropped, and the offsets show the gap', { timeout: 120_000 }, async () => {
    const { plane, storage, origin } = setup;
    setup.startAgent();
    await plane.waitForSession();
    const slot = gitSampleSlot(origin, { id: 'slot_flood', name: 'qa-flood' });
    expect((await plane.waitForResult(plane.command('slot.deploy', { slot, source: { kind: 'git', branch: 'main' } }))).ok).toBe(true);
    expect((await plane.waitForResult(plane.command('slot.logs.subscribe', { slotId: 'slot_flood', subscriptionId: 'sub_flood' }))).ok).toBe(true);

    const commandId = plane.command('slot.deploy', { slot: withBuildStep(slot, FLOOD, 'flood'), source: { kind: 'git', branch: 'main' } });
    await waitFor(() => plane.received('accepted').some((frame) => frame.commandId === commandId), 'the flood deployment to be accepted');
    plane.pauseReading();
    // The deployment finishes while nothing the agent sends can reach the server.
    await waitFor(() => deploymentStatus(storage.path, commandId) === 'ready', 'the deployment to be ready while the server reads nothing', { timeoutMs: 90_000 });
    plane.resumeReading();

    const result = await plane.waitForResult(commandId);
    expect(result.ok).toBe(true);
    const floodFrames = (): ReturnType<typeof plane.received> =>
      plane.received('log').filter((frame) => frame.subscriptionId === 'sub_flood' && frame.deploymentId === result.data.id);
    // The result may arrive before the log frames queued behind the full socket: wait for the frame past the flood's end.
    await waitFor(
      () => floodFrames().some((frame) => frame.offset + Buffer.byteLength(frame.data) > 24 * 1024 * 1024),
      'the log frames queued while the server read nothing, up to the end of the flood',
      { timeoutMs: 30_000 },
    );
    const frames = floodFrames();
    const received = frames.reduce((sum, frame) => sum + Buffer.byteLength(frame.data), 0);
    const jumps = frames.filter((frame, index) => index > 0 && frame.offset > frames[index - 1]!.offset + Buffer.byteLength(frames[index - 1]!.data));
    expect(received).toBeLessThan(24 * 1024 * 1024);
    expect(jumps.length).toBeGreaterThan(0);
    // Past the gap the offsets go on from the log's true length: the last frame ends at or beyond the flood.
    const last = frames.at(-1)!;
    expect(last.offset + Buffer.byteLength(last.data)).toBeGreaterThan(24 * 1024 * 1024);
    for (const frame of frames) expect(Buffer.byteLength(JSON.stringify(frame))).toBeLessThan(1024 * 1024);
    // The whole output is in the deployment's log all the same.
    const log = await plane.waitForResult(plane.command('slot.logs', { slotId: 'slot_flood', deploymentId: result.data.id, tailBytes: 100_000 }));
    expect(log.data.text).toContain('flood done');
    expect(plane.connections).toBe(1);
  });
});
