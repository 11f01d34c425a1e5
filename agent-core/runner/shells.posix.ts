import { posix } from 'node:path';
import { BerthError, type CommandType } from '../protocol';
import {
  BASH_OPTIONS,
  interpreterMissing,
  powershellScript,
  scriptFilePath,
  withLineEndings,
  type ShellEnvironment,
  type ShellInvocation,
} from './shell-invocation';

/**
 * bash, node and python take a multi-line body as one argument here, and node and python resolve
 * `require` and `import` from the working directory only when run with -e / -c, not from a file.
 */
export function posixShellInvocation(type: CommandType, script: string, env: ShellEnvironment): ShellInvocation {
  const body = withLineEndings(script, '\n');
  switch (type) {
    case 'bash': {
      const bash = env.findExecutable(['bash']);
      if (bash === null) throw interpreterMissing('bash', 'install bash');
      return { file: bash, args: [...BASH_OPTIONS, '-c', body] };
    }
    case 'powershell': {
      const pwsh = env.findExecutable(['pwsh']);
      if (pwsh === null) throw interpreterMissing('PowerShell (pwsh)', 'install PowerShell 7');
      const path = scriptFilePath(posix.join, env.scriptDir, '.ps1');
      return {
        file: pwsh,
        args: ['-NoProfile', '-NonInteractive', '-File', path],
        scriptFile: { path, contents: powershellScript(script, '\n') },
      };
    }
    case 'cmd':
      throw new BerthError(
        'COMMAND_FAILED',
        `cmd commands run only on Windows and this host runs ${env.platform}; change the command type to bash or powershell`,
      );
    case 'node': {
      const node = env.findExecutable(['node']);
      if (node === null) throw interpreterMissing('Node.js (node)', 'install Node.js');
      return { file: node, args: ['-e', body] };
    }
    case 'python': {
      const python = env.findExecutable(['python3', 'python']);
      if (python === null) throw interpreterMissing('Python (python3 or python)', 'install Python 3');
      return { file: python, args: ['-c', body] };
    }
  }
}
