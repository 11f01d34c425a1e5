import { spawn } from 'node:child_process';
import type { Repository } from '../protocol';
import { gitCallEnvironment } from './git-auth';
import { gitFailure } from './git-errors';
import { isolationConfig } from './git-isolation';
import { redactText } from '../runner/redactor';

export type GitAttempt = { ok: true; output: string } | { ok: false; message: string };

/** git run in one working copy for one repository, with its token, its redaction and its cancel signal. */
export interface GitClient {
  readonly workdir: string;
  /** Runs git; a failure becomes a SOURCE_FAILED or CANCELLED BerthError naming `operation`. */
  run(args: string[], operation: string): Promise<string>;
  /** Runs git; a failure is returned with git's message, redacted, for callers that expect some to fail. */
  attempt(args: string[]): Promise<GitAttempt>;
  /** The error `run` would have thrown for a failed attempt's message. */
  failure(message: string, operation: string): Error;
}

/**
 * `gitDir` names a bare repository explicitly (GIT_DIR), as safe.bareRepository=explicit requires.
 *
 * git is started directly rather than through simple-git: simple-git waits 50 ms after every call
 * that printed nothing (`checkout --quiet`, `clean --quiet`, `fetch --quiet`), three of them on a
 * redeploy's path. Its guards are not needed here: every argument is Berth's own (branch names and
 * commit ids are checked in git-names.ts, the URL in git-auth.ts), and the environment is built
 * whole by gitCallEnvironment, which drops every ambient GIT_* variable.
 */
export function createGitClient(workdir: string, repository: Repository, signal?: AbortSignal, gitDir?: string): GitClient {
  const call = gitCallEnvironment(repository, process.env, isolationConfig());
  if (gitDir !== undefined) call.env.GIT_DIR = gitDir;

  const failure = (error: unknown, operation: string): Error =>
    gitFailure(error, {
      operation,
      url: repository.url,
      workdir,
      tokenGiven: Boolean(repository.token),
      secrets: call.secrets,
      aborted: signal?.aborted ?? false,
    });

  return {
    workdir,
    async run(args, operation) {
      try {
        return await runGit(args, workdir, call.env, signal);
      } catch (error) {
        throw failure(error, operation);
      }
    },
    async attempt(args) {
      try {
        return { ok: true, output: await runGit(args, workdir, call.env, signal) };
      } catch (error) {
        if (signal?.aborted) throw failure(error, args[0]);
        return { ok: false, message: redactText(error instanceof Error ? error.message : String(error), call.secrets) };
      }
    },
    failure: (message, operation) => failure(new Error(message), operation),
  };
}

/**
 * git's standard output; a non-zero exit rejects with what git printed (output, then errors) or, when it
 * printed nothing (`rev-parse --quiet`), its exit code. Cancelling kills git.
 */
function runGit(args: string[], cwd: string, env: Record<string, string>, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env, signal, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', reject);
    child.once('close', (code, killedBy) => {
      const output = Buffer.concat(stdout).toString('utf8');
      if (code === 0) return resolve(output);
      const printed = `${output}${Buffer.concat(stderr).toString('utf8')}`;
      reject(new Error(printed.length > 0 ? printed : `git exited with ${code === null ? `signal ${killedBy}` : `code ${code}`}`));
    });
  });
}
