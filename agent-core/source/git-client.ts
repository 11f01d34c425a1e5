import { simpleGit, type SimpleGit } from 'simple-git';
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
 * `workdir` must exist: simple-git checks it once, here. `gitDir` names a bare repository
 * explicitly (GIT_DIR), as safe.bareRepository=explicit requires; simple-git refuses `--git-dir`.
 */
export function createGitClient(workdir: string, repository: Repository, signal?: AbortSignal, gitDir?: string): GitClient {
  const call = gitCallEnvironment(repository, process.env, isolationConfig());
  if (gitDir !== undefined) {
    call.env.GIT_DIR = gitDir;
    call.allowEnvironment.push('GIT_DIR');
  }
  const git: SimpleGit = simpleGit({
    baseDir: workdir,
    abort: signal,
    // simple-git resolves a call that exits non-zero without writing to stderr (`rev-parse --quiet`).
    errors: (error, result) => {
      if (error !== undefined || result.exitCode === 0) return error;
      const stderr = Buffer.concat(result.stdErr);
      return stderr.length > 0 ? stderr : new Error(`git exited with code ${result.exitCode}`);
    },
    allowEnvironment: call.allowEnvironment,
    unsafe: {
      // The token travels as GIT_CONFIG_* entries, and the credential helpers are switched off.
      allowUnsafeConfigEnvCount: true,
      allowUnsafeCredentialHelper: true,
      allowUnsafeSshCommand: true,
      // The isolation config (git-isolation.ts) sets these keys to switch the programs off, never on.
      allowUnsafeHooksPath: true,
      allowUnsafeFsMonitor: true,
      allowUnsafeAskPass: true,
      allowUnsafePager: true,
      allowUnsafeProtocolOverride: true,
    },
  }).env(call.env);

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
        return await git.raw(args);
      } catch (error) {
        throw failure(error, operation);
      }
    },
    async attempt(args) {
      try {
        return { ok: true, output: await git.raw(args) };
      } catch (error) {
        if (signal?.aborted) throw failure(error, args[0]);
        return { ok: false, message: redactText(error instanceof Error ? error.message : String(error), call.secrets) };
      }
    },
    failure: (message, operation) => failure(new Error(message), operation),
  };
}
