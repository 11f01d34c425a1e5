import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lockStorage, StorageInUseError } from '../../agent-core/store';
import { runAgentProcess } from '../../agent-core/utility-process';
import { startAgentProcess, type AgentProcess } from '../fixtures/agent-process';
import { ensureAgentBuilt } from '../fixtures/built-agent';
import { cliEnv, runCli } from '../fixtures/berth-agent-cli';
import { TestParentPort } from '../fixtures/parent-port';
import { makeTempDir } from '../fixtures/temp-dir';

const started: AgentProcess[] = [];
const temps: (() => void)[] = [];

function storage(): string {
  const dir = makeTempDir('berth-lock-');
  temps.push(dir.cleanup);
  return join(dir.path, 'storage');
}

function runAgent(path: string): AgentProcess {
  const agent = startAgentProcess(['run', '--storage', path, '--name', 'lock-test'], cliEnv());
  started.push(agent);
  return agent;
}

beforeAll(() => ensureAgentBuilt(), 300_000);

afterEach(async () => {
  for (const agent of started.splice(0)) {
    if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill('SIGKILL');
    await agent.exited;
  }
  for (const cleanup of temps.splice(0)) cleanup();
});

describe('storage lock', () => {
  it('refuses a second agent on the same storage folder, naming the one that runs, and leaves the folder as it was', async () => {
    const path = storage();
    const first = runAgent(path);
    await first.waitForOutput('ready', 60_000);
    const before = readdirSync(path).sort();

    const second = runAgent(path);
    const { code } = await second.exited;
    expect(code).not.toBe(0);
    expect(second.output()).toContain(`another Berth agent (pid ${first.child.pid}) is using ${path}; 'berth-agent status' talks to it`);
    expect(second.output()).not.toContain('ready');
    expect(readdirSync(path).sort()).toEqual(before);

    // The CLI reaches the agent that runs.
    const status = await runCli(['status', '--storage', path, '--json']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('lock-test');
    expect(first.child.exitCode).toBeNull();
  }, 120_000);

  it('is free again at once when the agent holding it was killed', async () => {
    const path = storage();
    const first = runAgent(path);
    await first.waitForOutput('ready', 60_000);
    first.child.kill('SIGKILL');
    await first.exited;

    const next = runAgent(path);
    await next.waitForOutput('ready', 60_000);
    expect(next.output()).not.toContain('another Berth agent');
  }, 120_000);

  it("lets the desktop app attach to the agent that holds the folder instead of starting a second one", async () => {
    const path = storage();
    const holder = runAgent(path);
    await holder.waitForOutput('ready', 60_000);
    const parent = new TestParentPort();
    const lines: string[] = [];
    // BERTH_API_KEY: the user's key is not read from a keychain this machine may not have.
    const done = runAgentProcess(parent, ['--storage', path], { env: { ...process.env, BERTH_API_KEY: 'unused' }, log: (line) => lines.push(line) });
    try {
      expect(await parent.notice('ready')).toEqual({ type: 'ready', mode: 'attached' });
      expect(lines.join('\n')).toContain(`another Berth agent (pid ${holder.child.pid}) is using ${path}`);
      const state = await parent.connect().call('state.get');
      expect(state.host.name).toBe('lock-test');
    } finally {
      parent.closeClients();
      parent.send({ type: 'stop' });
      await done;
    }
    expect(holder.child.exitCode).toBeNull();
  }, 120_000);

  it('is held by one process at a time and free again once released', () => {
    const path = storage();
    const lock = lockStorage(dirname(path));
    expect(() => lockStorage(dirname(path))).toThrow(StorageInUseError);
    lock.release();
    lockStorage(dirname(path)).release();
  });
});
