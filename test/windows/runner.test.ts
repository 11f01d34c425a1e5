import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { environmentValue } from '../../agent-core/runner/environment';
import { isProcessAlive, processStartTime } from '../../agent-core/runner/process-identity';
import { spawnCommand } from '../../agent-core/runner/pty-process';
import { runTask } from '../../agent-core/runner/task';
import { expandCommand } from '../../agent-core/runner/variables';
import { waitFor } from '../fixtures/wait';
import { command, lane, OutputBuffer, outputOf, plain, skipUnderWine, useWorkspace } from './lane';

// A node script that starts a child node, which starts a grandchild (detached: its own console), and
// writes all three pids to pids.txt; every one of them then runs until killed.
const TREE_SCRIPT = `
const { spawn } = require('child_process');
const fs = require('fs');
const forever = 'setInterval(() => {}, 1000)';
const grandchild = \`const c = require('child_process').spawn(process.execPath, ['-e', \${JSON.stringify(forever)}], { detached: true, stdio: 'ignore' });
require('fs').writeFileSync('grandchild.pid', String(c.pid)); \${forever}\`;
const child = spawn(process.execPath, ['-e', grandchild], { stdio: 'ignore' });
const wait = setInterval(() => {
  if (!fs.existsSync('grandchild.pid')) return;
  clearInterval(wait);
  fs.writeFileSync('pids.txt', [process.pid, child.pid, fs.readFileSync('grandchild.pid', 'utf8')].join(' '));
  console.log('tree ready');
}, 50);
setInterval(() => {}, 1000);
`;

async function treePids(folder: string, output: OutputBuffer): Promise<number[]> {
  try {
    const text = await waitFor(() => readFileSync(join(folder, 'pids.txt'), 'utf8'), 'the process tree to write its pids', { timeoutMs: 60_000 });
    return text.split(' ').map(Number);
  } catch (error) {
    throw new Error(`${(error as Error).message}; it printed: ${plain(output.text)}`);
  }
}

async function assertAllGone(pids: number[]): Promise<void> {
  // taskkill returns once it has asked; Windows ends each process a moment later.
  await waitFor(() => pids.every((pid) => !isProcessAlive(pid)), `processes ${pids.join(', ')} to be gone`, { timeoutMs: 10_000 });
}

// Each command starts a Windows process under Wine in seconds, not milliseconds.
describe('the runner on Windows', { timeout: 600_000 }, () => {
  const workspace = useWorkspace();

  it('runs a one-line cmd command in a pseudo console and reports its exit code', async () => {
    const cwd = workspace.folder();
    const child = workspace.track(spawnCommand({ command: command('cmd', 'echo hello from cmd& exit /b 3'), label: 'one-liner', ...workspace.context(cwd) }));
    const seen = outputOf(child);
    assert.deepEqual(await child.exited, { exitCode: 3 });
    assert.match(plain(seen.text), /hello from cmd/);
  });

  it('runs a multi-line cmd script with variables and blocks, then removes its script file', async () => {
    const cwd = workspace.folder();
    const context = workspace.context(cwd);
    const script = ['set GREETING=hello world', 'if "%GREETING%"=="" (', '  echo empty', ') else (', '  echo greeting=%GREETING%', ')', 'exit /b 4'].join('\n');
    const child = workspace.track(spawnCommand({ command: command('cmd', script), label: 'script', ...context }));
    const seen = outputOf(child);
    assert.deepEqual(await child.exited, { exitCode: 4 });
    assert.match(plain(seen.text), /greeting=hello world/);
    assert.deepEqual(readdirSync(context.scriptDir), []);
  });

  // Every cmd body, a one-liner too, runs from a .cmd file that switches to UTF-8 first: the same path for both.
  it('prints accented text from a cmd one-liner and from a multi-line cmd script', { skip: skipUnderWine("Wine 8's chcp 65001 leaves cmd in code page 0, so the UTF-8 script file's accented text comes out mangled") }, async () => {
    for (const body of ['echo héllo wörld', 'set NAME=wörld\necho héllo %NAME%']) {
      const child = workspace.track(spawnCommand({ command: command('cmd', body), label: 'accents', ...workspace.context(workspace.folder()) }));
      const seen = outputOf(child);
      assert.deepEqual(await child.exited, { exitCode: 0 });
      assert.match(plain(seen.text), /héllo wörld/);
    }
  });

  it('passes quotes and ampersands in a cmd one-liner to cmd unchanged', async () => {
    const cwd = workspace.folder();
    const child = workspace.track(
      spawnCommand({ command: command('cmd', 'echo "a & b" & echo second "quoted part"'), label: 'quotes', ...workspace.context(cwd) }),
    );
    const seen = outputOf(child);
    assert.deepEqual(await child.exited, { exitCode: 0 });
    assert.match(plain(seen.text), /"a & b"/);
    assert.match(plain(seen.text), /second "quoted part"/);
  });

  it('runs a multi-line node command with the slot variables in its environment', async () => {
    const cwd = workspace.folder();
    const script = "const path = require('path');\nconsole.log('in ' + path.basename(process.cwd()));\nconsole.log('port=' + process.env.PORT);";
    const child = workspace.track(spawnCommand({ command: command('node', script), label: 'node', ...workspace.context(cwd, { PORT: '4100' }) }));
    const seen = outputOf(child);
    assert.deepEqual(await child.exited, { exitCode: 0 });
    assert.match(plain(seen.text), new RegExp(`in ${cwd.split('\\').pop()}`));
    assert.match(plain(seen.text), /port=4100/);
  });

  it('expands {WorkingDirectory} with spaces and backslashes into a command that can cd there', async () => {
    const cwd = workspace.folder('berth lane spaces ');
    mkdirSync(join(cwd, 'apps'));
    const expanded = expandCommand(command('cmd', 'cd /d "{WorkingDirectory}\\apps" && cd'), 'cd', new Map([['WorkingDirectory', cwd]]));
    const child = workspace.track(spawnCommand({ command: expanded, label: 'cd', ...workspace.context(cwd) }));
    const seen = outputOf(child);
    assert.deepEqual(await child.exited, { exitCode: 0 });
    assert.ok(plain(seen.text).toLowerCase().includes(join(cwd, 'apps').toLowerCase()), plain(seen.text));
  });

  it('runs each command in its working directory, written with forward or back slashes', async () => {
    const cwd = workspace.folder();
    mkdirSync(join(cwd, 'apps', 'web'), { recursive: true });
    for (const workingDirectory of ['apps/web', 'apps\\web']) {
      const child = workspace.track(spawnCommand({ command: command('cmd', 'cd', { workingDirectory }), label: 'where', ...workspace.context(cwd) }));
      const seen = outputOf(child);
      await child.exited;
      assert.ok(plain(seen.text).toLowerCase().includes(join(cwd, 'apps', 'web').toLowerCase()), `${workingDirectory}: ${plain(seen.text)}`);
    }
  });

  it('treats variable names case-insensitively: a slot Path replaces PATH, a command mode replaces the slot MODE', async () => {
    const cwd = workspace.folder();
    const tools = join(cwd, 'tools');
    mkdirSync(tools);
    writeFileSync(join(tools, 'hello-tool.cmd'), '@echo tool ran\r\n');
    const path = `${tools};${environmentValue(process.env, 'PATH')}`;
    const context = workspace.context(cwd, { Path: path, MODE: 'slot' });
    assert.equal(Object.keys(context.env).filter((name) => name.toUpperCase() === 'PATH').length, 1);
    const child = workspace.track(
      spawnCommand({ command: command('cmd', 'hello-tool & echo mode=%MODE%', { env: { mode: 'command' } }), label: 'env', ...context }),
    );
    const seen = outputOf(child);
    assert.deepEqual(await child.exited, { exitCode: 0 });
    assert.match(plain(seen.text), /tool ran/);
    assert.match(plain(seen.text), /mode=command/);
  });

  it('fails a task whose node command exits with an error code, quoting its last lines', async () => {
    const cwd = workspace.folder();
    const task = runTask({
      command: command('node', "console.log('about to fail'); process.exit(7)"),
      label: 'build',
      ...workspace.context(cwd),
      output: new OutputBuffer(),
    });
    await assert.rejects(task, (error: Error) => /'build' exited with code 7/.test(error.message) && /about to fail/.test(error.message));
  });

  it('stops a task at its time limit and ends every process it started', async () => {
    const cwd = workspace.folder();
    const output = new OutputBuffer();
    const task = runTask({ command: command('node', TREE_SCRIPT), label: 'hang', ...workspace.context(cwd), output, timeoutMs: 20_000 });
    const pids = await treePids(cwd, output);
    await assert.rejects(task, /'hang' did not finish within 20 s/);
    await assertAllGone(pids);
  });

  it('sends Ctrl+C first and lets a service finish its own shutdown', async () => {
    const cwd = workspace.folder();
    const script = "process.on('SIGINT', () => { console.log('shutting down'); setTimeout(() => process.exit(0), 200); });\nconsole.log('ready');\nsetInterval(() => {}, 1000);";
    const child = workspace.track(spawnCommand({ command: command('node', script), label: 'service', ...workspace.context(cwd) }));
    const seen = outputOf(child);
    await waitFor(() => plain(seen.text).includes('ready'), 'the service to start', { timeoutMs: 30_000 });
    const started = Date.now();
    await child.stop(20_000);
    assert.match(plain(seen.text), /shutting down/);
    assert.ok(Date.now() - started < 15_000, 'stopped by its own shutdown, not by the grace time');
    assert.equal(isProcessAlive(child.pid), false);
  });

  it('kills a service that ignores Ctrl+C once the grace time is over, with its whole tree', async () => {
    const cwd = workspace.folder();
    const script = `process.on('SIGINT', () => console.log('ignoring Ctrl+C'));\n${TREE_SCRIPT}`;
    const child = workspace.track(spawnCommand({ command: command('node', script), label: 'stubborn', ...workspace.context(cwd) }));
    const pids = await treePids(cwd, outputOf(child));
    await child.stop(2_000);
    await assertAllGone(pids);
  });

  it('kills a cmd command with the node processes it started, a detached grandchild included', async () => {
    const cwd = workspace.folder();
    writeFileSync(join(cwd, 'tree.js'), TREE_SCRIPT);
    const child = workspace.track(spawnCommand({ command: command('cmd', 'echo starting\nnode tree.js'), label: 'tree', ...workspace.context(cwd) }));
    const pids = await treePids(cwd, outputOf(child));
    await child.kill();
    await assertAllGone([child.pid, ...pids]);
  });

  it('says PowerShell is missing instead of passing when there is none', { skip: lane === 'wine' ? false : 'Windows itself has PowerShell' }, () => {
    const cwd = workspace.folder();
    assert.throws(
      () => spawnCommand({ command: command('powershell', 'exit 3'), label: 'ps', ...workspace.context(cwd) }),
      /PowerShell \(pwsh.exe or powershell.exe\) is not installed/,
    );
  });

  it('runs a PowerShell command and reports its exit code', { skip: skipUnderWine('Wine has no PowerShell') }, async () => {
    const cwd = workspace.folder();
    const child = workspace.track(
      spawnCommand({ command: command('powershell', 'Write-Output "port $env:PORT"\nexit 3'), label: 'ps', ...workspace.context(cwd, { PORT: '4100' }) }),
    );
    const seen = outputOf(child);
    assert.deepEqual(await child.exited, { exitCode: 3 });
    assert.match(plain(seen.text), /port 4100/);
  });

  it('runs a bash command with Git Bash', { skip: skipUnderWine('Git for Windows does not run under Wine here') }, async () => {
    const cwd = workspace.folder();
    const child = workspace.track(spawnCommand({ command: command('bash', 'echo "bash $PORT"\nexit 5'), label: 'bash', ...workspace.context(cwd, { PORT: '4100' }) }));
    const seen = outputOf(child);
    assert.deepEqual(await child.exited, { exitCode: 5 });
    assert.match(plain(seen.text), /bash 4100/);
  });

  it('reads a process start time, which tells a reused pid apart', { skip: skipUnderWine('it asks PowerShell, which Wine lacks') }, async () => {
    assert.match((await processStartTime(process.pid)) ?? '', /^\d+$/);
  });
});
