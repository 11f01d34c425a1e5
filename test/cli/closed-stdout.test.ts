import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { connectToAgent } from '../../agent-core/cli/local-api-connection';
import { procCpuUs } from '../../bench/proxy-contenders';
import { cliEnv } from '../fixtures/berth-agent-cli';
import { BUILT_AGENT, ensureAgentBuilt } from '../fixtures/built-agent';
import { makeTempDir } from '../fixtures/temp-dir';
import { waitFor } from '../fixtures/wait';

const IDLE_MS = 2_000;

describe.skipIf(process.platform !== 'linux')('berth-agent run with its stdout closed', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  // The pipe a service wrapper or a shell (`berth-agent run | head`) gave it is gone: every line it
  // logs fails with EPIPE. It once logged each failure as an escaped error, which failed in turn.
  it('keeps serving and stays idle instead of spinning on write errors, then stops on Ctrl+C', { timeout: 120_000 }, async () => {
    ensureAgentBuilt();
    const storage = makeTempDir('berth-closed-stdout-');
    cleanups.push(storage.cleanup);
    const child = spawn(process.execPath, [BUILT_AGENT, 'run', '--storage', storage.path], { env: cliEnv(), stdio: ['ignore', 'pipe', 'ignore'] });
    cleanups.push(() => child.kill('SIGKILL'));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.stdout.destroy();

    const client = await waitFor(
      () => connectToAgent(storage.path).catch(() => null),
      "the agent's local API, with its stdout closed",
      { timeoutMs: 60_000 },
    );
    try {
      expect((await client.call('state.get')).slots).toEqual([]);
      // Idle: a few timers. Spinning on its own write errors took a whole core (hundreds of ms here).
      const before = procCpuUs(child.pid!)!;
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      const used = (procCpuUs(child.pid!)! - before) / 1000;
      expect(used, `CPU time used in ${IDLE_MS} ms idle`).toBeLessThan(250);
      expect((await client.call('state.get')).slots).toEqual([]);
    } finally {
      client.close();
    }
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
