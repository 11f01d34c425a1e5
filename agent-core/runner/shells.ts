import type { CommandType } from '../protocol';
import type { ShellEnvironment, ShellInvocation } from './shell-invocation';
import { posixShellInvocation } from './shells.posix';
import { win32ShellInvocation } from './shells.win32';

/** The program, arguments and script file that run a command's `arguments` with its type's interpreter. */
export function shellInvocation(type: CommandType, script: string, env: ShellEnvironment): ShellInvocation {
  return env.platform === 'win32' ? win32ShellInvocation(type, script, env) : posixShellInvocation(type, script, env);
}
