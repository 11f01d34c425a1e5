import { BerthError, type Repository } from '../protocol';
import { assertBranchName, assertCommitId } from './git-names';
import { checkoutCommit, defaultStoreRoot, openWorkingCopy, type WorkingCopy } from './git-working-copy';
import type { SourceProgressListener } from './source-progress';

export interface GitSourceRequest {
  /** The slot's working copy (or one color's); created on first use. */
  workdir: string;
  repository: Repository;
  /**
   * The folder of the per-repository object stores shared by every working copy on this machine
   * (`{storage}/repos`); without one, a folder beside the working copy.
   */
  storeRoot?: string;
  branch: string;
  /** Deploy this commit instead of the branch's head. */
  commit?: string | null;
  /** Settles when nothing runs in `workdir` any more: the fetch goes ahead, writes into the working copy wait. */
  workingCopyFree?: Promise<void>;
  signal?: AbortSignal;
  onProgress?: SourceProgressListener;
}

export interface GitSourceResult {
  commit: string;
  branch: string;
  subject: string;
  /** True when this working copy had never been checked out before: its initial commands have not run. */
  firstCheckout: boolean;
}

/** Brings `workdir` to the head of `branch` on origin (or to `commit`), keeping ignored build output. */
export async function prepareGitSource(request: GitSourceRequest): Promise<GitSourceResult> {
  const { branch, commit, onProgress } = request;
  assertBranchName(branch);
  if (commit) assertCommitId(commit);

  onProgress?.({ step: 'fetch', message: `fetching ${branch} from origin` });
  const { workdir, repository, workingCopyFree, signal } = request;
  const storeRoot = request.storeRoot ?? defaultStoreRoot(workdir);
  const { copy, missing, commits } = await openWorkingCopy({ workdir, repository, storeRoot, workingCopyFree, branches: [branch], signal });
  if (missing.length > 0) throw new BerthError('SOURCE_FAILED', `branch '${branch}' not found on origin`);

  const target = commit ? await fetchCommit(copy, commit, branch) : (commits.get(branch) ?? null);
  if (target === null) throw new BerthError('SOURCE_FAILED', `branch '${branch}' not found on origin`);
  const head = await checkoutCommit(copy, branch, target);
  onProgress?.({ step: 'checkout', message: `checked out ${branch} at ${head.commit.slice(0, 12)}: ${head.subject}` });
  return { commit: head.commit, branch, subject: head.subject, firstCheckout: copy.firstCheckout };
}

// A commit that is no longer on the branch (a force push) can still be fetched by its full id.
// A batch merge's commit exists in its working copy only; the working copy also sees the store's objects.
async function fetchCommit(copy: WorkingCopy, commit: string, branch: string): Promise<string> {
  const known = await copy.git.attempt(['rev-parse', '--verify', '--quiet', `${commit}^{commit}`]);
  if (known.ok) return known.output.trim();
  const fetched = await copy.store.fetchCommit(commit);
  if (fetched === null) {
    throw new BerthError('SOURCE_FAILED', `commit ${commit} not found on origin (it is not on branch '${branch}')`);
  }
  return fetched;
}
