import { existsSync } from 'node:fs';
import { win32 } from 'node:path';
import type { CommandType } from '../protocol';
import {
  BASH_OPTIONS,
  interpreterMissing,
  NODE_LOADER,
  powershellScript,
  PYTHON_LOADER,
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
 * Every type runs its body from a script file in the agent's private script folder, so neither a
 * secret nor a quoting rule is ever in the command line: node and python get a fixed loader and
 * the file's path, which holds no quote or space-sensitive text but the folder's own path.
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
      const scriptFile = { path: scriptFilePath(win32.join, env.scriptDir, '.js'), contents: withLineEndings(script, '\n') };
      return { file: node, args: ['-e', NODE_LOADER, scriptFile.path], scriptFile };
    }
    case 'python': {
      const scriptFile = { path: scriptFilePath(win32.join, env.scriptDir, '.py'), contents: withLineEndings(script, '\n') };
      const python = [['python3.exe'], ['python.exe']]
        .map((names) => env.findExecutable(names))
        .find((found): found is string => found !== null && !WSL_OR_STORE_STUB.test(found));
      if (python !== undefined) return { file: python, args: ['-c', PYTHON_LOADER, scriptFile.path], scriptFile };
      const launcher = env.findExecutable(['py.exe']);
      if (launcher === null) throw interpreterMissing('Python (python3, python or py)', 'install Python 3');
      return { file: launcher, args: ['-3', '-c', PYTHON_LOADER, scriptFile.path], scriptFile };
    }
  }
}

/**
 * A .cmd file, also for a one-liner: a batch file's rules apply (`%%i` in a for loop, an unset
 * `%NAME%` is empty). The last line passes on the last command's exit code, which cmd /c would
 * otherwise lose when the file ends in a label or a block.
 */
function cmdInvocation(script: string, env: ShellEnvironment): ShellInvocation {
  const cmd = env.findExecutable(['cmd.exe']);
  if (cmd === null) throw interpreterMissing('cmd.exe', 'repair Windows (cmd.exe belongs in System32)');
  const scriptFile = {
    path: scriptFilePath(win32.join, env.scriptDir, '.cmd'),
    // chcp 65001: without it cmd reads the file in the OEM code page and mangles non-ASCII text.
    contents: `@echo off\r\nchcp 65001 >nul\r\n${withLineEndings(script.trim(), '\r\n')}\r\nexit /b %ERRORLEVEL%\r\n`,
  };
  // /s strips exactly the outer quotes, so the quoted path reaches cmd unchanged, as Node's shell option does.
  const args = ['/d', '/s', '/c', `""${scriptFile.path}""`];
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
