// Fetches into one store wait for each other (see git-repository-store.ts). When many deployments on
// the same repository start together (20 slots deployed at once), each used to wait for every fetch
// before it: 20 fetches one after another, the burst's longest step by far. A fetch asked for while
// another waits its turn now joins the waiting one instead, so whatever arrives during a fetch
// becomes the next one: at most one running and one waiting per store.

export interface BranchFetch {
  commits: Map<string, string>;
  missing: string[];
}

interface Batch {
  branches: Set<string>;
  result: Promise<BranchFetch>;
  /** The cancel signal of the deployment whose git runs the fetch. */
  signal: AbortSignal | undefined;
}

// Batches not yet started, by store path and token: a fetch is never made with another slot's token.
const waiting = new Map<string, Batch>();

/**
 * Fetches `branches` through `enqueue` (the store's lock) and `fetch`, sharing the fetch with the
 * callers of the same `key` that asked while it waited for its turn. A fetch that joined a batch
 * started after it asked, so the caller sees origin at least as new as when it asked. Each caller gets
 * its own branches' commits and missing branches. If the batch is cancelled by its own deployment,
 * the callers that joined it fetch again on their own.
 */
export function joinBranchFetch(
  key: string,
  branches: readonly string[],
  signal: AbortSignal | undefined,
  enqueue: (task: () => Promise<BranchFetch>) => Promise<BranchFetch>,
  fetch: (branches: string[]) => Promise<BranchFetch>,
): Promise<BranchFetch> {
  let batch = waiting.get(key);
  if (batch) for (const branch of branches) batch.branches.add(branch);
  else {
    const created: Batch = { branches: new Set(branches), signal, result: Promise.resolve({ commits: new Map(), missing: [] }) };
    created.result = enqueue(() => {
      // Its turn: from now on a new caller makes the next batch.
      if (waiting.get(key) === created) waiting.delete(key);
      return fetch([...created.branches]);
    });
    waiting.set(key, created);
    batch = created;
  }
  const joined = batch;
  return joined.result.then(
    (all) => ({ commits: new Map([...all.commits].filter(([branch]) => branches.includes(branch))), missing: all.missing.filter((branch) => branches.includes(branch)) }),
    (error: unknown) => {
      if (joined.signal !== signal && joined.signal?.aborted === true && signal?.aborted !== true) return joinBranchFetch(key, branches, signal, enqueue, fetch);
      throw error;
    },
  );
}
