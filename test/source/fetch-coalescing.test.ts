import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareGitSource } from '../../agent-core/source';
import { joinBranchFetch, type BranchFetch } from '../../agent-core/source/fetch-coalescing';
import { createGitOrigin, type GitOrigin } from '../fixtures/git-origin';
import { startGitHttpServer } from '../fixtures/git-http-server';
import { makeTempDir } from '../fixtures/temp-dir';

const TOKEN = 'ghp_coalesceT0ken42';

describe('fetches into one store asked for together', () => {
  let origin: GitOrigin;
  let storage: { path: string; cleanup: () => void };

  beforeEach(() => {
    origin = createGitOrigin({ 'app.txt': 'v1\n' });
    storage = makeTempDir('berth-fetch-coalescing-');
  });

  afterEach(() => {
    storage.cleanup();
    origin.cleanup();
  });

  it('become one or two fetches from origin for ten slots deploying the same repository at once, each getting its own branch', async () => {
    const feature = origin.commit('feature', { 'app.txt': 'feature\n' }, 'Feature', { from: 'main' });
    const main = origin.commit('main', { 'app.txt': 'v2\n' }, 'Version 2');
    const server = await startGitHttpServer({ projectRoot: origin.root, token: TOKEN });
    try {
      const repository = { url: server.url('origin.git'), token: TOKEN };
      const storeRoot = join(storage.path, 'repos');
      const branches = Array.from({ length: 10 }, (_, index) => (index % 3 === 0 ? 'feature' : 'main'));

      const results = await Promise.all(
        branches.map((branch, index) => prepareGitSource({ workdir: join(storage.path, 'slots', `qa-${index}`, 'blue'), repository, storeRoot, branch })),
      );

      expect(results.map((result) => result.commit)).toEqual(branches.map((branch) => (branch === 'feature' ? feature : main)));
      // Each fetch over http starts with one request for the refs.
      const fetches = server.requests.filter((request) => request.url.includes('/info/refs') && request.authorization !== undefined);
      expect(fetches.length).toBeGreaterThanOrEqual(1);
      expect(fetches.length).toBeLessThanOrEqual(2);
    } finally {
      await server.close();
    }
  });

  it('report a branch origin lacks only to the deployment that asked for it', async () => {
    const repository = { url: origin.url };
    const storeRoot = join(storage.path, 'repos');
    const deploy = (slot: string, branch: string) => prepareGitSource({ workdir: join(storage.path, 'slots', slot, 'blue'), repository, storeRoot, branch });

    const [first, absent, second] = await Promise.allSettled([deploy('qa-1', 'main'), deploy('qa-2', 'no-such-branch'), deploy('qa-3', 'main')]);

    expect(first.status).toBe('fulfilled');
    expect(second.status).toBe('fulfilled');
    expect(absent.status === 'rejected' && String(absent.reason.message)).toMatch(/branch 'no-such-branch' not found on origin/);
  });
});

describe('joining a fetch', () => {
  /** A store lock whose holder runs when released, as the store's lock does while another fetch runs. */
  function heldLock(): { enqueue: (task: () => Promise<BranchFetch>) => Promise<BranchFetch>; release(): void } {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    return { enqueue: (task) => held.then(task), release: () => release() };
  }

  it('fetches again for a deployment whose batch was cancelled by the deployment that owned it', async () => {
    const lock = heldLock();
    const owner = new AbortController();
    const asked: string[][] = [];
    const fetch = async (branches: string[]): Promise<BranchFetch> => {
      asked.push(branches);
      if (owner.signal.aborted && asked.length === 1) throw new Error('git fetch cancelled');
      return { commits: new Map(branches.map((branch) => [branch, `commit-of-${branch}`])), missing: [] };
    };

    const cancelled = joinBranchFetch('store-cancel', ['main'], owner.signal, lock.enqueue, fetch);
    const joined = joinBranchFetch('store-cancel', ['feature'], new AbortController().signal, lock.enqueue, fetch);
    owner.abort();
    lock.release();

    await expect(cancelled).rejects.toThrow('git fetch cancelled');
    await expect(joined).resolves.toEqual({ commits: new Map([['feature', 'commit-of-feature']]), missing: [] });
    expect(asked).toEqual([['main', 'feature'], ['feature']]);
  });

  it('starts a new batch for a fetch asked for once the waiting one has started', async () => {
    const lock = heldLock();
    const asked: string[][] = [];
    let finishFirst!: () => void;
    const firstRuns = new Promise<void>((resolve) => (finishFirst = resolve));
    const fetch = async (branches: string[]): Promise<BranchFetch> => {
      asked.push(branches);
      if (asked.length === 1) await firstRuns;
      return { commits: new Map(branches.map((branch) => [branch, `commit-${asked.length}`])), missing: [] };
    };
    let last: Promise<BranchFetch> = Promise.resolve({ commits: new Map(), missing: [] });
    const serial = (task: () => Promise<BranchFetch>): Promise<BranchFetch> => (last = last.then(task, task));

    const first = joinBranchFetch('store-late', ['main'], undefined, (task) => lock.enqueue(() => serial(task)), fetch);
    lock.release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const late = joinBranchFetch('store-late', ['main'], undefined, serial, fetch);
    finishFirst();

    expect((await first).commits.get('main')).toBe('commit-1');
    expect((await late).commits.get('main')).toBe('commit-2');
    expect(asked).toEqual([['main'], ['main']]);
  });
});
