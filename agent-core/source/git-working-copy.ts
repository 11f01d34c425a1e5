import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { lstat, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BerthError, type Repository } from '../protocol';
import { createGitClient, type GitClient } from './git-client';
import { repositoryUrlProblem } from './git-auth';
import { ownGitFolder, parseConfigList, rewriteLocalConfig } from './git-isolation';
import { remoteRef } from './git-names';
import { openRepositoryStore, readRef, type RepositoryStore } from './git-repository-store';

/** A working copy opened for one repository: git bound to it, its shared store, and whether it has ever had a checkout. */
export interface WorkingCopy {
  git: GitClient;
  store: RepositoryStore;
  firstCheckout: boolean;
}

// Which store (path and id) the working copy borrows objects from, written by the agent.
const STORE_MARK = 'berth-store';

/** The default folder of the shared stores, for callers that name none: beside the working copy. */
export function defaultStoreRoot(workdir: string): string {
  return join(dirname(workdir), '.berth-repositories');
}

/**
 * Opens the repository's shared store and makes `workdir` a working copy that borrows its objects
 * (objects/info/alternates) and has `repository.url` as origin. Its own `.git` holds only the
 * index, HEAD, refs and the commits a batch merge makes, so a second color or slot checks out
 * without fetching. A `.git` that borrowed from another store (or from none: a working copy from
 * before the store, or after the store was deleted to reclaim space) is made anew; the files stay.
 */
export async function openWorkingCopy(request: {
  workdir: string;
  repository: Repository;
  storeRoot: string;
  /** Fetched into the store while the working copy is made ready. */
  branches: readonly string[];
  /** Settles when nothing runs in `workdir` any more: the fetch starts at once, the working copy's own git calls wait for it. */
  workingCopyFree?: Promise<void>;
  signal?: AbortSignal;
}): Promise<{ copy: WorkingCopy; missing: string[]; commits: Map<string, string> }> {
  const { workdir, repository, signal } = request;
  const problem = repositoryUrlProblem(repository.url);
  if (problem !== null) throw new BerthError('INVALID_PAYLOAD', `the repository URL ${problem}`);
  const [store] = await Promise.all([openRepositoryStore(request.storeRoot, repository, signal), mkdir(workdir, { recursive: true })]);
  // Both settle before a failure is thrown, so that no git call is still writing in the working copy after.
  // The fetch is the longer of the two: the working copy's git calls start after it is spawned (next turn of the loop).
  const fetch = store.fetchBranches(request.branches);
  // The working copy's own calls also wait until nothing runs in it any more (the old instance's stop).
  const turn = new Promise<void>((resolve) => setImmediate(resolve));
  const prepare = Promise.all([turn, request.workingCopyFree]).then(() => prepareWorkingCopy(workdir, repository, store, signal));
  const [fetching, preparing] = await Promise.allSettled([fetch, prepare]);
  if (fetching.status === 'rejected') throw fetching.reason;
  if (preparing.status === 'rejected') throw preparing.reason;
  const [fetched, copy] = [fetching.value, preparing.value];
  // One after another: branches such as feature/a and feature/b share a folder to create.
  for (const [branch, commit] of fetched.commits) await writeRef(workdir, remoteRef(branch), commit);
  return { copy, ...fetched };
}

async function prepareWorkingCopy(workdir: string, repository: Repository, store: RepositoryStore, signal?: AbortSignal): Promise<WorkingCopy> {
  const gitFolder = join(workdir, '.git');
  const git = createGitClient(workdir, repository, signal);
  const mark = `${store.path}\n${store.id}\n`;
  let own = ownGitFolder(workdir);
  const checkedOutBefore = own && hasHead(gitFolder);
  if (own && readText(join(gitFolder, STORE_MARK)) !== mark) {
    await rm(gitFolder, { recursive: true, force: true });
    own = false;
  }
  if (!own) await git.run(['init', '--quiet'], 'init');
  // The slot's commands may have written .git/config since the last deployment.
  const local = await git.attempt(['config', '--file', join(gitFolder, 'config'), '--null', '--list']);
  const kept = (local.ok ? parseConfigList(local.output) : []).filter(([key]) => !key.toLowerCase().startsWith('remote.origin.'));
  rewriteLocalConfig(workdir, [...kept, ['remote.origin.url', repository.url], ['remote.origin.fetch', '+refs/heads/*:refs/remotes/origin/*']]);
  await writeInGitFolder(gitFolder, 'objects/info/alternates', `${join(store.path, 'objects')}\n`);
  await writeInGitFolder(gitFolder, STORE_MARK, mark);
  // A merge left half done (the agent stopped in the middle of a batch deploy) would block checkout.
  if (existsSync(join(gitFolder, 'MERGE_HEAD'))) await git.run(['merge', '--abort'], 'merge --abort');
  return { git, store, firstCheckout: !checkedOutBefore };
}

/**
 * Points the local `branch` at `commit` and makes the tree exactly that commit: tracked changes
 * and untracked files are discarded, ignored files (node_modules, build output) stay.
 * Returns the commit and its subject, read while the tree is cleaned.
 */
export async function checkoutCommit(copy: WorkingCopy, branch: string, commit: string): Promise<{ commit: string; subject: string }> {
  // The subject is read from the commit itself, not from HEAD, so it needs no turn after checkout.
  // Both settle before a failure is thrown, so that no git call is still writing in the working copy after.
  const [checkout, head] = await Promise.allSettled([
    copy.git.run(['checkout', '--force', '-B', branch, commit, '--'], 'checkout').then(() => cleanTree(copy)),
    headCommit(copy, commit),
  ]);
  if (checkout.status === 'rejected') throw checkout.reason;
  if (head.status === 'rejected') throw head.reason;
  return head.value;
}

/**
 * `git clean --force -d`, made to speak. simple-git resolves a call that printed nothing only 50 ms
 * after it ended (checkout is not --quiet for the same reason), and clean prints only what it
 * removes. So it is given one file of its own to remove: an empty untracked file with a name no
 * repository has, un-ignored by a command-line pattern, which outranks every .gitignore.
 */
async function cleanTree(copy: WorkingCopy): Promise<void> {
  const marker = `.berth-clean-${randomUUID()}`;
  await writeFile(join(copy.git.workdir, marker), '');
  try {
    await copy.git.run(['clean', '--force', '-d', '--exclude', `!/${marker}`], 'clean');
  } finally {
    await rm(join(copy.git.workdir, marker), { force: true });
  }
}

export async function headCommit(copy: WorkingCopy, rev = 'HEAD'): Promise<{ commit: string; subject: string }> {
  const output = await copy.git.run(['log', '-1', '--format=%H%n%s', rev, '--'], 'log');
  const [commit, subject = ''] = output.split('\n');
  return { commit: commit.trim(), subject: subject.trim() };
}

// Whether HEAD names a commit, read from the files so that opening a working copy starts no git.
function hasHead(gitFolder: string): boolean {
  const head = readText(join(gitFolder, 'HEAD'))?.trim();
  if (!head) return false;
  if (/^[0-9a-f]{40,64}$/.test(head)) return true;
  const ref = /^ref: (refs\/\S+)$/.exec(head)?.[1];
  return ref !== undefined && readRef(gitFolder, ref) !== null;
}

function writeRef(workdir: string, ref: string, commit: string): Promise<void> {
  return writeInGitFolder(join(workdir, '.git'), ref, `${commit}\n`);
}

/**
 * Writes a file below `.git` that the slot's commands could have replaced by a link: a link or
 * file standing where a folder or the file goes is removed first, so the write stays in `.git`.
 */
async function writeInGitFolder(gitFolder: string, relative: string, text: string): Promise<void> {
  const parts = relative.split('/');
  let folder = gitFolder;
  for (const part of parts.slice(0, -1)) {
    folder = join(folder, part);
    const stat = await lstat(folder).catch(() => null);
    if (stat?.isDirectory()) continue;
    if (stat) await rm(folder, { force: true });
    await mkdir(folder);
  }
  const file = join(folder, parts[parts.length - 1]);
  await rm(file, { force: true, recursive: true });
  await writeFile(file, text, { flag: 'wx' });
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
