import { existsSync } from 'node:fs';
import { win32 } from 'node:path';
import type { CommandType } from '../protocol';
import {
  BASH_OPTIONS,
  interpreterMissing,
  isMultiLine,
  powershellScript,
  scriptFilePath,
  withLineEndings,
  type ShellEnvironment,
  type ShellInvocation,
} from './shell-invocation';

// System32\bash.exe and the WindowsApps one start WSL, a different machine with its own paths; the
// WindowsApps python.exe is a stub that opens the Microsoft Store.
const WSL_OR_STORE_STUB = /\\(system32|syswow64|sysnative|windowsapps)\\/i;

const GIT_BASH_DEFAULT_LOCATIONS = ['C:\\Program Files\\Git\\bin\\bash.exe', 'C:\\Program Files (x86)\\Git\\bin\\bash.exe'];

/**
 * node and python take their body as one argument (node-pty quotes it the way their C runtimes
 * parse it); bash and PowerShell always run a script file, so no quoting rule can bite; cmd runs a
 * one-liner verbatim and anything longer from a .cmd file.
 */
export function win32ShellInvocation(type: CommandType, script: string, env: ShellEnvironment): ShellInvocation {
  switch (type) {
    case 'bash': {
      const bash = findGitBash(env);
      if (bash === null) throw interpreterMissing('Git Bash', 'install Git for Windows (https://git-scm.com/download/win)');
      const path = scriptFilePath(win32.join, env.scriptDir, '.sh');
      return {
        file: bash,
        args: [...BASH_OPTIONS, path.replace(/\\/g, '/')],
        scriptFile: { path, contents: withLineEndings(script, '\n') },
      };
    }
    case 'powershell': {
      const powershell = env.findExecutable(['pwsh.exe']) ?? env.findExecutable(['powershell.exe']);
      if (powershell === null) throw interpreterMissing('PowerShell (pwsh.exe or powershell.exe)', 'install PowerShell 7');
      const path = scriptFilePath(win32.join, env.scriptDir, '.ps1');
      return {
        file: powershell,
        args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', path],
        // Windows PowerShell 5.1 reads a script without a byte order mark in the ANSI code page.
        scriptFile: { path, contents: `\uFEFF${powershellScript(script, '\r\n')}` },
      };
    }
    case 'cmd':
      return cmdInvocation(script, env);
    case 'node': {
      const node = env.findExecutable(['node.exe']);
      if (node === null) throw interpreterMissing('Node.js (node.exe)', 'install Node.js');
      return { file: node, args: ['-e', withLineEndings(script, '\n')] };
    }
    case 'python': {
      const body = withLineEndings(script, '\n');
      const python = [['python3.exe'], ['python.exe']]
        .map((names) => env.findExecutable(names))
        .find((found): found is string => found !== null && !WSL_OR_STORE_STUB.test(found));
      if (python !== undefined) return { file: python, args: ['-c', body] };
      const launcher = env.findExecutable(['py.exe']);
      if (launcher === null) throw interpreterMissing('Python (python3, python or py)', 'install Python 3');
      return { file: launcher, args: ['-3', '-c', body] };
    }
  }
}

function cmdInvocation(script: string, env: ShellEnvironment): ShellInvocation {
  const cmd = env.findExecutable(['cmd.exe']);
  if (cmd === null) throw interpreterMissing('cmd.exe', 'repair Windows (cmd.exe belongs in System32)');
  const scriptFile = isMultiLine(script)
    ? {
        path: scriptFilePath(win32.join, env.scriptDir, '.cmd'),
        // chcp 65001: without it cmd reads the file in the OEM code page and mangles non-ASCII text.
        contents: `@echo off\r\nchcp 65001 >nul\r\n${withLineEndings(script, '\r\n')}\r\n`,
      }
    : undefined;
  const inner = scriptFile === undefined ? script.trim() : `"${scriptFile.path}"`;
  // /s strips exactly the outer quotes, so the inner text reaches cmd unchanged, as Node's shell option does.
  const args = ['/d', '/s', '/c', `"${inner}"`];
  return { file: cmd, args, commandLine: args.join(' '), scriptFile };
}

function findGitBash(env: ShellEnvironment): string | null {
  const exists = env.fileExists ?? existsSync;
  const git = env.findExecutable(['git.exe']);
  if (git !== null) {
    // Git for Windows has git.exe in cmd\, bin\ or mingw64\bin\, and the bash that sets up its environment in bin\.
    const parent = win32.dirname(win32.dirname(git));
    const nextToGit = [parent, win32.dirname(parent)].map((root) => win32.join(root, 'bin', 'bash.exe')).find(exists);
    if (nextToGit !== undefined) return nextToGit;
  }
  const onPath = env.findExecutable(['bash.exe']);
  if (onPath !== null && !WSL_OR_STORE_STUB.test(onPath)) return onPath;
  return GIT_BASH_DEFAULT_LOCATIONS.find(exists) ?? null;
}
