import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BerthError } from '../../agent-core/protocol';
import { executableFinder } from '../../agent-core/runner/find-executable';
import { processStartTime } from '../../agent-core/runner/process-identity';
import { spawnCommand, type PtyProcess } from '../../agent-core/runner/pty-process';
import { waitFor } from '../fixtures/wait';
import { command, useWorkspace } from './runner-fixtures';

function outputOf(child: PtyProcess): { text: string } {
  const seen = { text: '' };
  child.on('data', (chunk) => (seen.text += chunk));
  return seen;
}

const hasPython = executableFinder(process.env)(['python3', 'python']) !== null;

describe('pty process', () => {
  const workspace = useWorkspace();

  it('runs a multi-line bash script in a terminal and streams its output', async () => {
    const cwd = workspace.folder();
    const child = workspace.track(
      spawnCommand({ command: command('bash', 'echo first line\nif [ -t 1 ]; then echo on-a-tty; fi'), label: 'hello', ...workspace.context(cwd) }),
    );
    const seen = outputOf(child);
    expect(await child.exited).toEqual({ exitCode: 0 });
    expect(seen.text).toContain('first line\r\n');
    expect(seen.text).toContain('on-a-tty');
  });

  it('runs a multi-line node script from the working directory', async () => {
    const cwd = workspace.folder();
    const script = "const path = require('path');\nconsole.log('node in', path.basename(process.cwd()));\nconsole.log('{braces}');";
    const child = workspace.track(spawnCommand({ command: command('node', script), label: 'node', ...workspace.context(cwd) }));
    const seen = outputOf(child);
    expect((await child.exited).exitCode).toBe(0);
    expect(seen.text).toContain(`node in ${cwd.split('/').pop()}`);
    expect(seen.text).toContain('{braces}');
  });

  it('resolves a node body\'s require and a python body\'s import from the working directory, as -e and -c did', async () => {
    const cwd = workspace.folder();
    writeFileSync(join(cwd, 'local-module.js'), "module.exports = 'from the working copy';\n");
    const node = workspace.track(
      spawnCommand({ command: command('node', "const f = require('./local-module');\nconsole.log('node:', f, String(process.argv.length))"), label: 'node', ...workspace.context(cwd) }),
    );
    const nodeOutput = outputOf(node);
    expect((await node.exited).exitCode).toBe(0);
    expect(nodeOutput.text).toContain('node: from the working copy 1');
    if (!hasPython) return;
    writeFileSync(join(cwd, 'local_module.py'), "VALUE = 'from the working copy'\n");
    const python = workspace.track(
      spawnCommand({ command: command('python', 'import sys, local_module\nprint("python:", local_module.VALUE, sys.argv)'), label: 'py', ...workspace.context(cwd) }),
    );
    const pythonOutput = outputOf(python);
    expect((await python.exited).exitCode).toBe(0);
    expect(pythonOutput.text).toContain("python: from the working copy ['-c']");
  });

  it.skipIf(!hasPython)('runs a multi-line python script', async () => {
    const cwd = workspace.folder();
    const script = 'import os\nfor i in range(2):\n    print("python", i)\nprint(os.environ["PORT"])';
    const child = workspace.track(
      spawnCommand({ command: command('python', script), label: 'py', ...workspace.context(cwd, { PORT: '4100' }) }),
    );
    const seen = outputOf(child);
    expect((await child.exited).exitCode).toBe(0);
    expect(seen.text).toContain('python 0\r\npython 1\r\n4100');
  });

  it('gives the process the layered environment with PORT, and the command env on top', async () => {
    const cwd = workspace.folder();
    const child = workspace.track(
      spawnCommand({
        command: command('bash', 'echo "port=$PORT mode=$MODE region=$REGION"', { env: { MODE: 'command' } }),
        label: 'env',
        ...workspace.context(cwd, { PORT: '41873', MODE: 'slot', REGION: 'eu' }),
      }),
    );
    const seen = outputOf(child);
    await child.exited;
    expect(seen.text).toContain('port=41873 mode=command region=eu');
  });

  it('runs each command in its own working directory, relative to the slot folder', async () => {
    const cwd = workspace.folder();
    mkdirSync(join(cwd, 'apps', 'web'), { recursive: true });
    const child = workspace.track(
      spawnCommand({ command: command('bash', 'pwd', { workingDirectory: 'apps/web' }), label: 'where', ...workspace.context(cwd) }),
    );
    const seen = outputOf(child);
    await child.exited;
    expect(seen.text).toContain(join(cwd, 'apps', 'web'));
  });

  it('refuses a working directory that does not exist, naming the folder and the command', () => {
    const cwd = workspace.folder();
    let error: unknown;
    try {
      spawnCommand({ command: command('bash', 'pwd', { workingDirectory: 'missing' }), label: 'build', ...workspace.context(cwd) });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BerthError);
    expect((error as BerthError).code).toBe('COMMAND_FAILED');
    expect((error as BerthError).message).toBe(
      `working directory '${join(cwd, 'missing')}' of command 'build' does not exist; create it or correct the command's workingDirectory`,
    );
  });

  it('says which interpreter is missing, for which command', () => {
    const cwd = workspace.folder();
    const context = workspace.context(cwd, { PATH: cwd });
    expect(() => spawnCommand({ command: command('node', '1'), label: 'seed', ...context })).toThrow(
      "command 'seed': Node.js (node) is not installed or not on PATH; install Node.js or change the command type",
    );
  });

  it('removes its script file once the process has exited', async () => {
    const cwd = workspace.folder();
    const context = workspace.context(cwd);
    const pwshDir = join(cwd, 'fake-bin');
    mkdirSync(pwshDir);
    // No PowerShell on this machine: a pwsh stand-in that prints the script it was given proves the file existed while it ran.
    writeFileSync(join(pwshDir, 'pwsh'), '#!/bin/sh\nfor last; do :; done\ncat "$last"\n');
    chmodSync(join(pwshDir, 'pwsh'), 0o755);
    const child = workspace.track(
      spawnCommand({
        command: command('powershell', 'Write-Output hi'),
        label: 'ps',
        ...context,
        env: { ...context.env, PATH: `${pwshDir}:${context.env.PATH}` },
      }),
    );
    const seen = outputOf(child);
    await child.exited;
    expect(seen.text).toContain("$ErrorActionPreference = 'Stop'\r\nWrite-Output hi");
    expect(readdirSync(context.scriptDir)).toEqual([]);
  });

  it('leaves no process behind after stop, not even a background child or one that called setsid', async () => {
    const cwd = workspace.folder();
    const script = `sleep 1000 &
echo $! > child.pid
setsid sh -c 'echo $$ > escaped.pid; exec sleep 1000' &
while [ ! -s escaped.pid ]; do sleep 0.01; done
echo service-ready
wait`;
    const child = workspace.track(spawnCommand({ command: command('bash', script), label: 'web', ...workspace.context(cwd) }));
    const seen = outputOf(child);
    await waitFor(() => seen.text.includes('service-ready'), 'the service to start its children');
    const pids = ['child.pid', 'escaped.pid'].map((name) => workspace.trackPid(Number(readFileSync(join(cwd, name), 'utf8'))));
    for (const pid of pids) expect(await processStartTime(pid)).not.toBeNull();
    const exit = await child.stop(5_000);
    expect(child.hasExited).toBe(true);
    expect(exit.exitCode !== 0 || exit.signal !== undefined).toBe(true);
    expect(await processStartTime(child.pid)).toBeNull();
    for (const pid of pids) expect(await processStartTime(pid)).toBeNull();
  });

  it('kills a service that ignores Ctrl+C once the grace period is over', async () => {
    const cwd = workspace.folder();
    const child = workspace.track(
      spawnCommand({ command: command('bash', "trap '' INT\necho stubborn\nsleep 1000"), label: 'stubborn', ...workspace.context(cwd) }),
    );
    const seen = outputOf(child);
    await waitFor(() => seen.text.includes('stubborn'), 'the service to ignore Ctrl+C');
    const interrupted = Date.now();
    const exit = await child.stop(300);
    expect(Date.now() - interrupted).toBeGreaterThanOrEqual(300);
    expect(exit.signal).toBe(9);
    expect(await processStartTime(child.pid)).toBeNull();
  });

  it('ends a service that honours Ctrl+C without waiting for the grace period', async () => {
    const cwd = workspace.folder();
    const child = workspace.track(
      spawnCommand({ command: command('node', "console.log('listening'); setInterval(() => {}, 1000);"), label: 'api', ...workspace.context(cwd) }),
    );
    const seen = outputOf(child);
    await waitFor(() => seen.text.includes('listening'), 'the service to start');
    const interrupted = Date.now();
    const exit = await child.stop(20_000);
    expect(exit.signal).toBe(2);
    expect(Date.now() - interrupted).toBeLessThan(10_000);
  });
});
