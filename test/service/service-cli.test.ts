import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { thisAgent } from '../../agent-core/cli/commands/service-actions';
import { cliEnv, runCli, startCli } from '../fixtures/berth-agent-cli';
import { makeTempDir } from '../fixtures/temp-dir';

const onWindows = process.platform === 'win32';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('service cli', () => {
  it('tells whether the service is installed', async () => {
    const result = await runCli(['service', 'status']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(onWindows ? /service 'berth-agent': (not installed|installed, running)/ : /not available \(service mode is for Windows\)/);
  });

  it.skipIf(onWindows)('refuses to install a service outside Windows, saying what to do instead', async () => {
    const result = await runCli(['service', 'install']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("service mode is for Windows; elsewhere run 'berth-agent run' under the system's own service manager");
  });

  it('explains its usage for an unknown action', async () => {
    const result = await runCli(['service', 'restart-everything']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('usage: berth-agent service install [--account ACCOUNT] [--user DOMAIN\\NAME] | uninstall | status');
  });

  // What the service's process runs: the agent with the local API the desktop app and the CLI connect to; Ctrl+C stops it.
  it.skipIf(onWindows)('runs the agent as the service does, reachable through its access folder, and stops it on Ctrl+C', async () => {
    const storage = makeTempDir();
    const access = makeTempDir();
    cleanups.push(storage.cleanup, access.cleanup);
    const service = startCli(['service', 'run', '--storage', storage.path, '--access', access.path], cliEnv());
    cleanups.push(() => {
      if (service.child.exitCode === null) service.child.kill('SIGKILL');
    });
    await service.waitForOutput("running as the 'berth-agent' service");
    // The installing user's commands point at the access folder: the storage is the service's alone.
    const status = await runCli(['status', '--storage', access.path, '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).host.storagePath).toBe(storage.path);
    service.child.kill('SIGINT');
    expect((await service.exited).code).toBe(0);
    expect(readdirSync(access.path)).toEqual([]);
  });

  it('installs from the built agent’s package, never from the sources and their loader', () => {
    const folder = makeTempDir();
    cleanups.push(folder.cleanup);
    mkdirSync(join(folder.path, 'out', 'main'), { recursive: true });
    writeFileSync(join(folder.path, 'package.json'), '{}');
    const script = join(folder.path, 'out', 'main', 'berth-agent.js');
    expect(thisAgent('/opt/node/bin/node', script)).toEqual({ kind: 'node', node: '/opt/node/bin/node', packageRoot: folder.path, script: join('out', 'main', 'berth-agent.js') });
    expect(() => thisAgent('/opt/node/bin/node', join(folder.path, 'agent-core', 'cli', 'berth-agent.ts'))).toThrow(/from the built agent/);
  });
});
