import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError, type Repository } from '../protocol';
import { createGitClient, type GitClient } from './git-client';
import { missingRemoteBranch } from './git-errors';
import { repositoryUrlProblem } from './git-auth';
import { ownGitFolder, parseConfigList, rewriteLocalConfig } from './git-isolation';
import { remoteRef } from './git-names';

/** A working copy opened for one repository: git bound to it, and whether it has ever had a checkout. */
export interface WorkingCopy {
  git: GitClient;
  firstCheckout: boolean;
}

/**
 * Makes `workdir` a repository whose origin is `repository.url`. A first use is `git init` plus a
 * fetch rather than `git clone`, because the folder may already hold files (ignored build output,
 * a snapshot's tree) that clone would refuse to start over, and because only the branches a
 * deployment needs are fetched.
 */
export async function openWorkingCopy(workdir: string, repository: Repository, signal?: AbortSignal): Promise<WorkingCopy> {
  const problem = repositoryUrlProblem(repository.url);
  if (problem !== null) throw new BerthError('INVALID_PAYLOAD', `the repository URL ${problem}`);
  await mkdir(workdir, { recursive: true });
  const git = createGitClient(workdir, repository, signal);

  if (!ownGitFolder(workdir)) {
    await git.run(['init', '--quiet'], 'init');
  }
  // The slot's commands may have written .git/config since the last deployment.
  const local = await git.attempt(['config', '--file', join(workdir, '.git', 'config'), '--null', '--list']);
  rewriteLocalConfig(workdir, local.ok ? parseConfigList(local.output) : []);
  const origin = await git.attempt(['remote', 'get-url', 'origin']);
  if (!origin.ok) {
    await git.run(['remote', 'add', 'origin', repository.url], 'remote add');
  } else if (origin.output.trim() !== repository.url) {
    await git.run(['remote', 'set-url', 'origin', repository.url], 'remote set-url');
  }
  const head = await git.attempt(['rev-parse', '--verify', '--quiet', 'HEAD']);
  await abandonUnfinishedMerge(git, workdir);
  return { git, firstCheckout: !head.ok };
}

/**
 * Fetches the given branches from origin in one call, leaving out and reporting the ones origin
 * does not have (git names one missing ref per failed attempt).
 */
export async function fetchBranches(copy: WorkingCopy, branches: readonly string[]): Promise<{ missing: string[] }> {
  const missing: string[] = [];
  let wanted = [...new Set(branches)];
  while (wanted.length > 0) {
    const refspecs = wanted.map((branch) => `+refs/heads/${branch}:${remoteRef(branch)}`);
    const fetched = await copy.git.attempt(['fetch', '--no-tags', '--no-recurse-submodules', 'origin', ...refspecs]);
    if (fetched.ok) break;
    const absent = missingRemoteBranch(fetched.message);
    if (absent === null || !wanted.includes(absent)) throw copy.git.failure(fetched.message, 'fetch');
    missing.push(absent);
    wanted = wanted.filter((branch) => branch !== absent);
  }
  return { missing };
}

/** The full commit id `rev` names in the working copy, or null when it names none. */
export async function resolveCommit(copy: WorkingCopy, rev: string): Promise<string | null> {
  const resolved = await copy.git.attempt(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  return resolved.ok ? resolved.output.trim() : null;
}

/**
 * Points the local `branch` at `commit` and makes the tree exactly that commit: tracked changes
 * and untracked files are discarded, ignored files (node_modules, build output) stay.
 */
export async function checkoutCommit(copy: WorkingCopy, branch: string, commit: string): Promise<void> {
  await copy.git.run(['checkout', '--quiet', '--force', '-B', branch, commit, '--'], 'checkout');
  await copy.git.run(['clean', '--force', '-d', '--quiet'], 'clean');
}

export async function headCommit(copy: WorkingCopy): Promise<{ commit: string; subject: string }> {
  const output = await copy.git.run(['log', '-1', '--format=%H%n%s', 'HEAD'], 'log');
  const [commit, subject = ''] = output.split('\n');
  return { commit: commit.trim(), subject: subject.trim() };
}

// A merge left half done (the agent stopped in the middle of a batch deploy) would block checkout.
async function abandonUnfinishedMerge(git: GitClient, workdir: string): Promise<void> {
  if (existsSync(join(workdir, '.git', 'MERGE_HEAD'))) await git.run(['merge', '--abort'], 'merge --abort');
}
