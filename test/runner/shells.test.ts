import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BerthError } from '../../agent-core/protocol';
import { executableFinder } from '../../agent-core/runner/find-executable';
import { NODE_LOADER, PYTHON_LOADER, type ShellEnvironment, type ShellInvocation } from '../../agent-core/runner/shell-invocation';
import { shellInvocation } from '../../agent-core/runner/shells';
import { useWorkspace } from './runner-fixtures';

const MULTI = 'echo one\necho two';

/** A host where only the given executables exist, keyed by the name looked up. */
function windowsHost(installed: Record<string, string>, files: string[] = []): ShellEnvironment {
  return {
    platform: 'win32',
    scriptDir: 'C:\\Users\\QA User\\AppData\\Local\\Berth\\scripts',
    findExecutable: (names) => names.map((name) => installed[name]).find((found) => found !== undefined) ?? null,
    fileExists: (path) => files.includes(path),
  };
}

function posixHost(installed: Record<string, string>): ShellEnvironment {
  return {
    platform: 'linux',
    scriptDir: '/var/lib/berth/scripts',
    findExecutable: (names) => names.map((name) => installed[name]).find((found) => found !== undefined) ?? null,
  };
}

const WINDOWS_TOOLS = {
  'cmd.exe': 'C:\\Windows\\System32\\cmd.exe',
  'git.exe': 'C:\\Program Files\\Git\\cmd\\git.exe',
  'pwsh.exe': 'C:\\Program Files\\PowerShell\\7\\pwsh.exe',
  'powershell.exe': 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  'node.exe': 'C:\\Program Files\\nodejs\\node.exe',
  'python.exe': 'C:\\Python312\\python.exe',
  'py.exe': 'C:\\Windows\\py.exe',
};
const GIT_BASH = 'C:\\Program Files\\Git\\bin\\bash.exe';

function missing(run: () => ShellInvocation): BerthError {
  try {
    run();
  } catch (error) {
    if (error instanceof BerthError) return error;
    throw error;
  }
  throw new Error('expected the interpreter to be reported missing');
}

describe('shells on Windows', () => {
  const host = windowsHost(WINDOWS_TOOLS, [GIT_BASH]);

  it('runs even a one-line cmd command from a .cmd file, so nothing of it is in the command line', () => {
    const invocation = shellInvocation('cmd', 'npm ci && echo "done"', host);
    const file = invocation.scriptFile;
    expect(invocation.file).toBe('C:\\Windows\\System32\\cmd.exe');
    expect(file.path).toMatch(/^C:\\Users\\QA User\\AppData\\Local\\Berth\\scripts\\berth-[0-9a-f-]+\.cmd$/);
    expect(invocation.args).toEqual(['/d', '/s', '/c', `""${file.path}""`]);
    expect(invocation.commandLine).toBe(`/d /s /c ""${file.path}""`);
    expect(file.contents).toBe('@echo off\r\nchcp 65001 >nul\r\nnpm ci && echo "done"\r\nexit /b %ERRORLEVEL%\r\n');
  });

  it('runs a multi-line cmd script from a .cmd file with CRLF line endings that passes on the exit code', () => {
    const invocation = shellInvocation('cmd', MULTI, host);
    const file = invocation.scriptFile;
    expect(file.contents).toBe('@echo off\r\nchcp 65001 >nul\r\necho one\r\necho two\r\nexit /b %ERRORLEVEL%\r\n');
    expect(invocation.commandLine).toBe(`/d /s /c ""${file.path}""`);
  });

  it('prefers pwsh and runs PowerShell from a .ps1 file with the execution policy bypassed', () => {
    const invocation = shellInvocation('powershell', 'Write-Output "hi"', host);
    expect(invocation.file).toBe('C:\\Program Files\\PowerShell\\7\\pwsh.exe');
    expect(invocation.args.slice(0, 5)).toEqual(['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File']);
    expect(invocation.args[5]).toBe(invocation.scriptFile.path);
    expect(invocation.scriptFile.path).toMatch(/\.ps1$/);
    expect(invocation.scriptFile.contents.startsWith("\uFEFF$ErrorActionPreference = 'Stop'\r\nWrite-Output \"hi\"\r\n")).toBe(
      true,
    );
    expect(invocation.scriptFile.contents).toContain('exit $LASTEXITCODE');
  });

  it('falls back to Windows PowerShell when pwsh is not installed', () => {
    const { 'pwsh.exe': _pwsh, ...withoutPwsh } = WINDOWS_TOOLS;
    expect(shellInvocation('powershell', 'dir', windowsHost(withoutPwsh)).file).toBe(WINDOWS_TOOLS['powershell.exe']);
  });

  it('runs bash commands with the Git Bash next to git, from a .sh file with LF line endings', () => {
    const invocation = shellInvocation('bash', 'npm ci\r\nnpm run build', host);
    expect(invocation.file).toBe(GIT_BASH);
    expect(invocation.args.slice(0, 4)).toEqual(['--noprofile', '--norc', '-eo', 'pipefail']);
    expect(invocation.args[4]).toBe(invocation.scriptFile.path.replace(/\\/g, '/'));
    expect(invocation.args[4]).toMatch(/^C:\/Users\/QA User\/AppData\/Local\/Berth\/scripts\/berth-[0-9a-f-]+\.sh$/);
    expect(invocation.scriptFile.contents).toBe('npm ci\nnpm run build');
  });

  it('finds Git Bash when git.exe sits in mingw64\\bin', () => {
    const gitBash = 'D:\\Tools\\Git\\bin\\bash.exe';
    const invocation = shellInvocation(
      'bash',
      'ls',
      windowsHost({ 'git.exe': 'D:\\Tools\\Git\\mingw64\\bin\\git.exe' }, [gitBash]),
    );
    expect(invocation.file).toBe(gitBash);
  });

  it('never takes the WSL bash in System32 for Git Bash', () => {
    const wslOnly = windowsHost({ 'bash.exe': 'C:\\Windows\\System32\\bash.exe' });
    const error = missing(() => shellInvocation('bash', 'ls', wslOnly));
    expect(error.code).toBe('COMMAND_FAILED');
    expect(error.message).toBe(
      'Git Bash is not installed or not on PATH; install Git for Windows (https://git-scm.com/download/win) or change the command type',
    );
  });

  it('runs node from a .js file through a fixed -e loader, found on PATH', () => {
    const invocation = shellInvocation('node', "console.log('a')\r\nconsole.log('b')", host);
    expect(invocation.file).toBe('C:\\Program Files\\nodejs\\node.exe');
    expect(invocation.args).toEqual(['-e', NODE_LOADER, invocation.scriptFile.path]);
    expect(invocation.scriptFile.path).toMatch(/\\berth-[0-9a-f-]+\.js$/);
    expect(invocation.scriptFile.contents).toBe("console.log('a')\nconsole.log('b')");
  });

  it('runs python from a .py file through a fixed -c loader, skipping the Microsoft Store stub and falling back to py -3', () => {
    const direct = shellInvocation('python', 'print(1)', host);
    expect(direct.file).toBe('C:\\Python312\\python.exe');
    expect(direct.args).toEqual(['-c', PYTHON_LOADER, direct.scriptFile.path]);
    expect(direct.scriptFile.contents).toBe('print(1)');
    const stubOnly = windowsHost({
      'python.exe': 'C:\\Users\\qa\\AppData\\Local\\Microsoft\\WindowsApps\\python.exe',
      'py.exe': 'C:\\Windows\\py.exe',
    });
    const launcher = shellInvocation('python', MULTI, stubOnly);
    expect(launcher.file).toBe('C:\\Windows\\py.exe');
    expect(launcher.args).toEqual(['-3', '-c', PYTHON_LOADER, launcher.scriptFile.path]);
  });

  it('never puts the body of any command type in the command line', () => {
    const secret = 's3cr3t-value';
    for (const type of ['bash', 'powershell', 'cmd', 'node', 'python'] as const) {
      const invocation = shellInvocation(type, `echo ${secret}`, host);
      expect([invocation.file, ...invocation.args, invocation.commandLine ?? ''].join(' ')).not.toContain(secret);
      expect(invocation.scriptFile.contents).toContain(secret);
    }
  });

  it('says which interpreter is missing and what to do about it', () => {
    const bare = windowsHost({});
    expect(missing(() => shellInvocation('node', 'x', bare)).message).toBe(
      'Node.js (node.exe) is not installed or not on PATH; install Node.js or change the command type',
    );
    expect(missing(() => shellInvocation('python', 'x', bare)).message).toContain('Python (python3, python or py)');
    expect(missing(() => shellInvocation('powershell', 'x', bare)).message).toContain('install PowerShell 7');
  });
});

describe('shells on Linux and macOS', () => {
  const host = posixHost({ bash: '/bin/bash', pwsh: '/usr/bin/pwsh', node: '/usr/local/bin/node', python3: '/usr/bin/python3' });

  it('runs bash from a .sh file, stopping at the first failing command', () => {
    const invocation = shellInvocation('bash', 'npm ci\r\nnpm test', host);
    expect(invocation.file).toBe('/bin/bash');
    expect(invocation.args).toEqual(['--noprofile', '--norc', '-eo', 'pipefail', invocation.scriptFile.path]);
    expect(invocation.scriptFile.path).toMatch(/^\/var\/lib\/berth\/scripts\/berth-[0-9a-f-]+\.sh$/);
    expect(invocation.scriptFile.contents).toBe('npm ci\nnpm test');
  });

  it('runs PowerShell with pwsh from a .ps1 file', () => {
    const invocation = shellInvocation('powershell', MULTI, host);
    expect(invocation.file).toBe('/usr/bin/pwsh');
    expect(invocation.args.slice(0, 3)).toEqual(['-NoProfile', '-NonInteractive', '-File']);
    expect(invocation.args[3]).toMatch(/^\/var\/lib\/berth\/scripts\/berth-[0-9a-f-]+\.ps1$/);
    expect(invocation.scriptFile.contents).toContain('echo one\necho two\n');
  });

  it('runs node and python (python3, else python) from script files through fixed loaders', () => {
    const node = shellInvocation('node', MULTI, host);
    expect(node).toEqual({ file: '/usr/local/bin/node', args: ['-e', NODE_LOADER, node.scriptFile.path], scriptFile: { path: node.scriptFile.path, contents: MULTI } });
    const python = shellInvocation('python', MULTI, host);
    expect(python).toEqual({ file: '/usr/bin/python3', args: ['-c', PYTHON_LOADER, python.scriptFile.path], scriptFile: { path: python.scriptFile.path, contents: MULTI } });
    expect(shellInvocation('python', 'x', posixHost({ python: '/opt/py/bin/python' })).file).toBe('/opt/py/bin/python');
  });

  it('refuses cmd, which exists only on Windows', () => {
    const error = missing(() => shellInvocation('cmd', 'dir', host));
    expect(error.message).toBe(
      'cmd commands run only on Windows and this host runs linux; change the command type to bash or powershell',
    );
  });

  it('says pwsh is missing when PowerShell is not installed', () => {
    expect(missing(() => shellInvocation('powershell', 'x', posixHost({}))).message).toBe(
      'PowerShell (pwsh) is not installed or not on PATH; install PowerShell 7 or change the command type',
    );
  });
});

describe('executable finder', () => {
  const workspace = useWorkspace();

  it('finds the first executable on the PATH the child will get, skipping files that are not executable', () => {
    const root = workspace.folder();
    const first = join(root, 'first');
    const second = join(root, 'second');
    mkdirSync(first);
    mkdirSync(second);
    writeFileSync(join(first, 'tool'), '#!/bin/sh\n');
    writeFileSync(join(second, 'tool'), '#!/bin/sh\n');
    chmodSync(join(second, 'tool'), 0o755);
    const find = executableFinder({ PATH: `${first}:${second}` }, 'linux');
    expect(find(['missing', 'tool'])).toBe(join(second, 'tool'));
    expect(find(['missing'])).toBeNull();
  });
});
