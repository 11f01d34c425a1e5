import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Repository } from '../protocol';
import { joinBranchFetch } from './fetch-coalescing';
import { createGitClient, type GitClient } from './git-client';
import { missingRemoteBranch } from './git-errors';

/**
 * One bare repository per repository URL on this machine, `{root}/{sha256 of the URL}.git`: every
 * fetch lands here, and the working copies of both colors and of every slot on the same URL read
 * its objects through `objects/info/alternates`, so a commit crosses the network once.
 *
 * The store is fetched into by URL (`git fetch <url> <refspecs>`), so its config never names a
 * remote and never holds a token; its config is rewritten by the agent before each fetch because a
 * slot's commands run as the same user and could have edited it.
 */
export interface RepositoryStore {
  /** The bare repository's folder. */
  readonly path: string;
  /** Changes each time the store is made anew; a working copy that borrowed from an older one starts over. */
  readonly id: string;
  /** Fetches the branches into `refs/heads/*`; the ones origin does not have are reported, not fetched. */
  fetchBranches(branches: readonly string[]): Promise<{ commits: Map<string, string>; missing: string[] }>;
  /** The full id of `commit` (full or abbreviated), fetching it by id when the store lacks it; null when origin has none. */
  fetchCommit(commit: string): Promise<string | null>;
}

const STORE_ID_FILE = 'berth-store-id';
const CONFIG = '[core]\n\trepositoryformatversion = 0\n\tbare = true\n';

// Fetches into one store wait for each other: two slots on the same URL fetching at once would
// otherwise race on its ref lock files and fail. Held per store path, inside this agent process.
const locks = new Map<string, Promise<unknown>>();

function withLock<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const run = previous.then(task, task);
  const tail = run.catch(() => undefined);
  locks.set(key, tail);
  void tail.then(() => {
    if (locks.get(key) === tail) locks.delete(key);
  });
  return run;
}

/** The store's folder for `url` below `root`; the URL is hashed so any URL makes a safe folder name. */
export function repositoryStorePath(root: string, url: string): string {
  return join(resolve(root), `${createHash('sha256').update(url).digest('hex').slice(0, 32)}.git`);
}

/** Opens (creating on first use) the store for `repository` below `root`. */
export async function openRepositoryStore(root: string, repository: Repository, signal?: AbortSignal): Promise<RepositoryStore> {
  const path = repositoryStorePath(root, repository.url);
  // A store that exists is only read, so it needs no turn: waiting behind a running fetch would hold up
  // this deployment's working copy, which is made ready while the fetch runs.
  const id = existingStoreId(path) ?? (await withLock(path, () => ensureStore(root, path, repository, signal)));
  const git = createGitClient(path, repository, signal, path);
  const fetch = (refspecs: string[]) =>
    // --verbose: git always prints a line (even "up to date"), and simple-git resolves a call that printed nothing only 50 ms after it ended.
    git.attempt(['fetch', '--no-tags', '--no-recurse-submodules', '--no-write-fetch-head', '--verbose', repository.url, ...refspecs]);

  return {
    path,
    id,
    fetchBranches: (branches) =>
      joinBranchFetch(`${path}\0${repository.token ?? ''}`, branches, signal, (task) => withLock(path, task), async (asked) => {
        writeConfig(path);
        const missing: string[] = [];
        let wanted = [...new Set(asked)];
        while (wanted.length > 0) {
          const fetched = await fetch(wanted.map((branch) => `+refs/heads/${branch}:refs/heads/${branch}`));
          if (fetched.ok) break;
          const absent = missingRemoteBranch(fetched.message);
          if (absent === null || !wanted.includes(absent)) throw git.failure(fetched.message, 'fetch');
          missing.push(absent);
          wanted = wanted.filter((branch) => branch !== absent);
        }
        const commits = new Map<string, string>();
        for (const branch of wanted) {
          const commit = readRef(path, `refs/heads/${branch}`) ?? (await resolveIn(git, `refs/heads/${branch}`));
          if (commit !== null) commits.set(branch, commit);
        }
        return { commits, missing };
      }),
    fetchCommit: (commit) =>
      withLock(path, async () => {
        const known = await resolveIn(git, commit);
        if (known !== null) return known;
        writeConfig(path);
        await fetch([commit]);
        return resolveIn(git, commit);
      }),
  };
}

/** The id of a store that is complete (its id file is written last, a whole UUID), or null. */
function existingStoreId(path: string): string | null {
  if (!existsSync(join(path, 'objects'))) return null;
  try {
    const id = readFileSync(join(path, STORE_ID_FILE), 'utf8').trim();
    return /^[0-9a-f-]{36}$/.test(id) ? id : null;
  } catch {
    return null;
  }
}

async function ensureStore(root: string, path: string, repository: Repository, signal?: AbortSignal): Promise<string> {
  const idFile = join(path, STORE_ID_FILE);
  const existing = existingStoreId(path);
  if (existing !== null) return existing;
  await mkdir(root, { recursive: true });
  await createGitClient(root, repository, signal).run(['init', '--bare', '--quiet', path], 'init');
  writeConfig(path);
  const id = randomUUID();
  await writeFile(idFile, `${id}\n`, { mode: 0o600 });
  return id;
}

// Written at once (a few bytes), so that the fetch that follows starts before the working copy's own git calls.
function writeConfig(path: string): void {
  const file = join(path, 'config');
  const temporary = `${file}.berth-${process.pid}`;
  writeFileSync(temporary, CONFIG, { mode: 0o600 });
  renameSync(temporary, file);
}

async function resolveIn(git: GitClient, rev: string): Promise<string | null> {
  const resolved = await git.attempt(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  return resolved.ok ? resolved.output.trim() : null;
}

/** A ref read from its loose file or from packed-refs without starting git; null when neither has it. */
export function readRef(gitDir: string, ref: string): string | null {
  try {
    const loose = readFileSync(join(gitDir, ref), 'utf8').trim();
    if (/^[0-9a-f]{40,64}$/.test(loose)) return loose;
  } catch {
    // Not loose: packed, or absent.
  }
  try {
    for (const line of readFileSync(join(gitDir, 'packed-refs'), 'utf8').split('\n')) {
      const [commit, name] = line.split(' ');
      if (name === ref && /^[0-9a-f]{40,64}$/.test(commit)) return commit;
    }
  } catch {
    // No packed-refs.
  }
  return null;
}
