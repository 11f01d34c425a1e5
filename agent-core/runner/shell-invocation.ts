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
  /** Written before the process starts and removed after it exits. */
  scriptFile?: ScriptFile;
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

export function isMultiLine(script: string): boolean {
  return /[\r\n]/.test(script.trim());
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

/** bash stops at the first failing command or pipeline stage, so a failed `npm ci` is not hidden by a later line. */
export const BASH_OPTIONS = ['--noprofile', '--norc', '-eo', 'pipefail'];
