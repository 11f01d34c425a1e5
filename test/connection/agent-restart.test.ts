import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentProcess } from '../fixtures/agent-process';
import { readAgentOutbox } from '../fixtures/agent-outbox';
import { gitSampleSlot, sampleAppOrigin, startConnectedAgent, stopAgent, withBuildStep } from '../fixtures/connected-agent';
import { FixtureControlPlane } from '../fixtures/control-plane';
import type { GitOrigin } from '../fixtures/git-origin';
import { makeTempDir } from '../fixtures/temp-dir';
import { waitFor } from '../fixtures/wait';

async function answer(port: number): Promise<{ version: string; pid: number } | null> {
  try {
    return (await (await fetch(`http://127.0.0.1:${port}/`)).json()) as { version: string; pid: number };
  } catch {
    return null;
  }
}

describe('agent restart', () => {
  let plane: FixtureControlPlane;
  let storage: ReturnType<typeof makeTempDir>;
  let origin: GitOrigin;
  const agents: AgentProcess[] = [];
  const pids: number[] = [];

  beforeEach(async () => {
    plane = await FixtureControlPlane.start({ heartbeatIntervalMs: 1_000 });
    storage = makeTempDir('berth-agent-restart-');
    origin = sampleAppOrigin('v1');
  });

  afterEach(async () => {
    for (const agent of agents.splice(0)) await stopAgent(agent);
    for (const pid of pids.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await plane.stop();
    origin.cleanup();
    storage.cleanup();
  });

  it('keeps its outbox through a SIGKILL, reports the interrupted command and brings the running slot back', { timeout: 150_000 }, async () => {
    const first = startConnectedAgent(plane, storage.path);
    agents.push(first);
    await plane.waitForSession();
    const slot = gitSampleSlot(origin, { id: 'slot_kill', name: 'qa-kill' });
    const deployed = await plane.waitForResult(plane.command('slot.deploy', { slot, source: { kind: 'git', branch: 'main' } }));
    expect(deployed.ok).toBe(true);
    const before = (await answer(deployed.data.port))!;
    pids.push(before.pid);

    // The server receives but no longer stores: everything from here waits in the agent's outbox.
    plane.storing = false;
    // The build hangs while the marker exists; the restarted agent keeps this spec, and must not hang.
    const marker = join(storage.path, 'hang-build');
    writeFileSync(marker, '');
    const hang = `if (require('node:fs').existsSync(${JSON.stringify(marker)})) setTimeout(() => {}, 60000);`;
    const slow = withBuildStep(slot, hang);
    const interrupted = plane.command('slot.deploy', { slot: slow, source: { kind: 'git', branch: 'main' } });
    await waitFor(() => plane.received('progress').some((frame) => frame.commandId === interrupted && frame.step === 'startup'), 'the slow deployment to start its build');
    const unsent = readAgentOutbox(storage.path);
    expect(unsent.some((row) => row.type === 'accepted' && row.body.commandId === interrupted)).toBe(true);
    const lastSeqBeforeKill = Math.max(...plane.frames.filter((entry) => entry.direction === 'in' && typeof entry.frame.seq === 'number').map((entry) => entry.frame.seq as number));

    first.child.kill('SIGKILL');
    await first.exited;
    rmSync(marker);
    expect(readAgentOutbox(storage.path)).toEqual(unsent);

    plane.storing = true;
    plane.dropConnections();
    const connectionsBefore = plane.connections;
    const second = startConnectedAgent(plane, storage.path);
    agents.push(second);
    const session = await plane.waitForSession(connectionsBefore);
    // Numbering goes on from before the kill (the restart itself may already have reported something).
    expect(plane.received('hello', session)[0]!.lastSeq).toBeGreaterThanOrEqual(lastSeqBeforeKill);

    const result = await plane.waitForResult(interrupted);
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(result.error.message).toContain('did not finish');
    expect(result.seq).toBeGreaterThan(lastSeqBeforeKill);
    for (const row of unsent) expect(plane.data.stored.get(row.seq)).toMatchObject({ type: row.type, seq: row.seq });
    const seqs = plane.storedSeqs();
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, index) => index + 1));
    expect(seqs.at(-1)).toBeGreaterThan(lastSeqBeforeKill);
    expect(plane.messagesFor(interrupted).filter((message) => message.type === 'result')).toHaveLength(1);

    const restored = await waitFor(async () => {
      const status = plane.received('heartbeat', session).at(-1)?.slots?.find((entry: { slotId: string }) => entry.slotId === 'slot_kill');
      return status?.status === 'running' ? status : null;
    }, `the slot to be running again\n${second.output()}`, { timeoutMs: 60_000 });
    const production = plane.storedMessages().filter((message) => message.type === 'deployment.update' && message.id === restored.productionDeploymentId).at(-1)!;
    const after = await waitFor(() => answer(production.port), 'the restored app to answer');
    pids.push(after.pid);
    expect(after.pid).not.toBe(before.pid);
  });
});
