import { BerthError, type Repository } from '../protocol';
import { assertBranchName, remoteRef } from './git-names';
import { checkoutCommit, defaultStoreRoot, headCommit, openWorkingCopy, type WorkingCopy } from './git-working-copy';
import type { SourceProgressListener } from './source-progress';

export interface BatchMergeRequest {
  workdir: string;
  repository: Repository;
  /** The shared object stores' folder, as for prepareGitSource. */
  storeRoot?: string;
  starterBranch: string;
  /** Merged into the starter one after another, in this order. */
  branches: readonly string[];
  /** Settles when nothing runs in `workdir` any more: the fetch goes ahead, writes into the working copy wait. */
  workingCopyFree?: Promise<void>;
  signal?: AbortSignal;
  onProgress?: SourceProgressListener;
}

export interface SkippedMerge {
  branch: string;
  reason: string;
  /** The files that conflicted; empty when the branch was skipped for another reason. */
  files: string[];
}

export interface BatchMergeResult {
  /** The merged tree's commit: it exists in this working copy only, origin never sees it. */
  commit: string;
  branch: string;
  subject: string;
  merged: string[];
  skipped: SkippedMerge[];
  firstCheckout: boolean;
}

/**
 * Checks out the starter branch and merges each branch into it in order. A branch that does not
 * merge cleanly is aborted, leaving the tree as it was before it, and reported as skipped; the
 * remaining branches still go on.
 */
export async function batchMerge(request: BatchMergeRequest): Promise<BatchMergeResult> {
  const { starterBranch, branches, onProgress } = request;
  assertBranchName(starterBranch);
  branches.forEach(assertBranchName);

  onProgress?.({ step: 'fetch', message: `fetching ${[starterBranch, ...branches].join(', ')} from origin` });
  const { workdir, repository, workingCopyFree, signal } = request;
  const storeRoot = request.storeRoot ?? defaultStoreRoot(workdir);
  const { copy, missing, commits } = await openWorkingCopy({ workdir, repository, storeRoot, workingCopyFree, branches: [starterBranch, ...branches], signal });
  const starter = missing.includes(starterBranch) ? null : (commits.get(starterBranch) ?? null);
  if (starter === null) throw new BerthError('SOURCE_FAILED', `starter branch '${starterBranch}' not found on origin`);
  await checkoutCommit(copy, starterBranch, starter);
  onProgress?.({ step: 'checkout', message: `checked out ${starterBranch} at ${starter.slice(0, 12)}` });

  const merged: string[] = [];
  const skipped: SkippedMerge[] = [];
  for (const branch of branches) {
    if (request.signal?.aborted) throw new BerthError('CANCELLED', 'the batch merge was cancelled');
    const outcome = missing.includes(branch)
      ? { branch, reason: `branch '${branch}' not found on origin`, files: [] }
      : await mergeBranch(copy, starterBranch, branch);
    if (outcome === null) {
      merged.push(branch);
      onProgress?.({ step: 'merge', branch, outcome: 'merged', message: `merged ${branch}` });
    } else {
      skipped.push(outcome);
      onProgress?.({ step: 'merge', branch, outcome: 'skipped', message: `skipped ${branch}: ${outcome.reason}` });
    }
  }

  const head = await headCommit(copy);
  return { ...head, branch: starterBranch, merged, skipped, firstCheckout: copy.firstCheckout };
}

/** Merges one branch; on failure puts HEAD, index and tree back as they were and says why. */
async function mergeBranch(copy: WorkingCopy, starterBranch: string, branch: string): Promise<SkippedMerge | null> {
  const before = await copy.git.run(['rev-parse', 'HEAD'], 'rev-parse');
  // --no-ff: every merged branch shows as its own merge commit in the working copy's history.
  const message = `Merge branch '${branch}' into ${starterBranch}`;
  const attempt = await copy.git.attempt(['merge', '--no-ff', '--no-edit', '--no-verify', '-m', message, remoteRef(branch)]);
  if (attempt.ok) return null;

  const conflicted = await copy.git.attempt(['diff', '--name-only', '-z', '--diff-filter=U']);
  const files = conflicted.ok ? conflicted.output.split('\0').filter((file) => file.length > 0) : [];
  await copy.git.attempt(['merge', '--abort']);
  await copy.git.run(['reset', '--quiet', '--hard', before.trim()], 'reset');
  await copy.git.run(['clean', '--force', '-d', '--quiet'], 'clean');
  const reason = files.length > 0 ? `conflicts in ${files.join(', ')}` : firstLine(attempt.message);
  return { branch, reason, files };
}

function firstLine(message: string): string {
  const line = message
    .split(/\r?\n/)
    .map((text) => text.replace(/^(fatal|error):\s*/i, '').trim())
    .find((text) => text.length > 0);
  return line ?? 'the merge failed';
}
