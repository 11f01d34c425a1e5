import { randomUUID } from 'node:crypto';
import { BerthError } from '../protocol';
import type { FindExecutable } from './find-executable';

export interface ShellEnvironment {
  platform: NodeJS.Platform;
  findExecutable: FindExecutable;
  /** Where script files go; they may hold expanded secrets, so it must be private to the agent. */
  scriptDir: string;
  /** Checks a well-known install location; the real file system unless a test passes its own. */
  fileExists?: (path: string) => boolean;
}

export interface ScriptFile {
  path: string;
  contents: string;
}

export interface ShellInvocation {
  file: string;
  args: string[];
  /**
   * Windows only: the exact argument text for CreateProcess. node-pty escapes quotes in `args`
   * with backslashes, which cmd.exe does not understand, so cmd gets its command line verbatim.
   */
  commandLine?: string;
  /**
   * The command's body, written before the process starts and removed after it exits. Every type
   * has one: a body may hold expanded secrets, and a process's arguments are visible to every user
   * of the machine (`ps`, /proc/<pid>/cmdline, Task Manager) while its file is private to the agent.
   */
  scriptFile: ScriptFile;
}

export function interpreterMissing(what: string, install: string): BerthError {
  return new BerthError('COMMAND_FAILED', `${what} is not installed or not on PATH; ${install} or change the command type`);
}

export function scriptFilePath(join: (...parts: string[]) => string, scriptDir: string, extension: string): string {
  return join(scriptDir, `berth-${randomUUID()}${extension}`);
}

export function withLineEndings(script: string, eol: '\n' | '\r\n'): string {
  return script.replace(/\r\n?|\n/g, eol);
}

/**
 * A script file run with `-File` exits 0 even when its last native command failed, so the file
 * stops at the first error and passes on the last native exit code, as GitHub Actions does.
 */
export function powershellScript(script: string, eol: '\n' | '\r\n'): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    withLineEndings(script, eol),
    'if ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }',
    '',
  ].join(eol);
}

/**
 * Runs the file named by the first argument as `node -e` runs its body: as a CommonJS script whose
 * `require` resolves from the working directory (a script file run directly would resolve from
 * the agent's script folder and find none of the project's packages), with `process.argv` as
 * under -e. It declares no global name a body could collide with. Fixed text: nothing of the command is in the process's arguments but the file's path.
 */
export const NODE_LOADER =
  "(f=>require('vm').runInThisContext(require('fs').readFileSync(f,'utf8'),{filename:f}))(process.argv.splice(1,1)[0])";

/** The same for python: `sys.path[0]` stays the working directory and `sys.argv` is as under -c. */
export const PYTHON_LOADER =
  "import sys;f=sys.argv.pop(1);exec(compile(open(f,encoding='utf-8').read(),f,'exec'),{'__name__':'__main__'})";

/** bash stops at the first failing command or pipeline stage, so a failed `npm ci` is not hidden by a later line. */
export const BASH_OPTIONS = ['--noprofile', '--norc', '-eo', 'pipefail'];
