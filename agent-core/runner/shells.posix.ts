import { posix } from 'node:path';
import { BerthError, type CommandType } from '../protocol';
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

/** Every type runs its body from a script file in the agent's private script folder. */
export function posixShellInvocation(type: CommandType, script: string, env: ShellEnvironment): ShellInvocation {
  const body = withLineEndings(script, '\n');
  const file = (extension: string, contents = body) => ({ path: scriptFilePath(posix.join, env.scriptDir, extension), contents });
  switch (type) {
    case 'bash': {
      const bash = env.findExecutable(['bash']);
      if (bash === null) throw interpreterMissing('bash', 'install bash');
      const scriptFile = file('.sh');
      return { file: bash, args: [...BASH_OPTIONS, scriptFile.path], scriptFile };
    }
    case 'powershell': {
      const pwsh = env.findExecutable(['pwsh']);
      if (pwsh === null) throw interpreterMissing('PowerShell (pwsh)', 'install PowerShell 7');
      const scriptFile = file('.ps1', powershellScript(script, '\n'));
      return { file: pwsh, args: ['-NoProfile', '-NonInteractive', '-File', scriptFile.path], scriptFile };
    }
    case 'cmd':
      throw new BerthError(
        'COMMAND_FAILED',
        `cmd commands run only on Windows and this host runs ${env.platform}; change the command type to bash or powershell`,
      );
    case 'node': {
      const node = env.findExecutable(['node']);
      if (node === null) throw interpreterMissing('Node.js (node)', 'install Node.js');
      const scriptFile = file('.js');
      return { file: node, args: ['-e', NODE_LOADER, scriptFile.path], scriptFile };
    }
    case 'python': {
      const python = env.findExecutable(['python3', 'python']);
      if (python === null) throw interpreterMissing('Python (python3 or python)', 'install Python 3');
      const scriptFile = file('.py');
      return { file: python, args: ['-c', PYTHON_LOADER, scriptFile.path], scriptFile };
    }
  }
}
