import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processStartTime } from '../../agent-core/runner';
import { openStore } from '../../agent-core/store';
import { findFreePort } from '../../agent-core/traffic';
import { startAgentProcess } from '../fixtures/agent-process';
import { writeSampleApp } from '../fixtures/slot-spec';
import { makeTempDir } from '../fixtures/temp-dir';
import { runTsxScript } from '../fixtures/tsx-script';
import { waitFor } from '../fixtures/wait';

async function servedBy(port: number): Promise<number | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/`);
    return ((await response.json()) as { pid: number }).pid;
  } catch {
    return null;
  }
}

describe('desired state', () => {
  let storage: ReturnType<typeof makeTempDir>;
  let sources: ReturnType<typeof makeTempDir>;
  const pidsToEnd: number[] = [];
  beforeEach(() => {
    storage = makeTempDir();
    sources = makeTempDir();
  });
  afterEach(() => {
    for (const pid of pidsToEnd.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    storage.cleanup();
    sources.cleanup();
  });

  it('brings back a slot that was running when the agent was killed, ending the orphan it left first', { timeout: 90_000 }, async () => {
    const port = await findFreePort({ range: [43000, 43999] });
    const app = writeSampleApp(join(sources.path, 'app'), 'v1');
    const first = runTsxScript('deploy-slot-and-wait.ts', [storage.path, sources.path, app, String(port)]);
    const ready = await waitFor(() => first.lines.find((line) => line.startsWith('READY')), `the first agent to deploy\n${first.stderr()}`, { timeoutMs: 30_000 });
    const orphan = (await waitFor(() => servedBy(port), 'the app to answer'))!;
    pidsToEnd.push(orphan, ...ready.slice(6).split(',').map(Number));
    first.child.kill('SIGKILL');
    await first.exited;
    // The service survives its agent: it still answers on the slot's port.
    expect(await servedBy(port)).toBe(orphan);

    const agent = startAgentProcess(['run', '--storage', storage.path, '--source-root', sources.path]);
    try {
      await agent.waitForOutput(/ready/);
      expect(agent.output()).toContain(`(pid ${orphan}), left running by an earlier agent`);
      const restored = await waitFor(async () => {
        const pid = await servedBy(port);
        return pid !== null && pid !== orphan ? pid : null;
      }, `the restored app to answer\n${agent.output()}`, { timeoutMs: 30_000 });
      pidsToEnd.push(restored);
      expect(await processStartTime(orphan)).toBeNull();

      agent.child.kill('SIGTERM');
      expect((await agent.exited).code).toBe(0);
      expect(await processStartTime(restored)).toBeNull();
    } finally {
      agent.child.kill('SIGKILL');
    }
    const store = openStore(storage.path);
    try {
      expect(store.slots.get('slot_sample')?.desiredState).toBe('running');
    } finally {
      store.close();
    }
  });
});
