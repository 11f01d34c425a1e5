import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchMerge, type SourceProgress } from '../../agent-core/source';
import { createGitOrigin, git, type GitOrigin } from '../fixtures/git-origin';
import { makeTempDir } from '../fixtures/temp-dir';

describe('batch merge', () => {
  let origin: GitOrigin;
  let temp: { path: string; cleanup: () => void };
  let workdir: string;

  beforeEach(() => {
    origin = createGitOrigin({ '.gitignore': 'node_modules/\n', 'title.txt': 'main\n', 'body.txt': 'body\n' });
    origin.commit('feat-a', { 'a.txt': 'a\n' }, 'Add a');
    origin.commit('feat-title', { 'title.txt': 'title from feat-title\n' }, 'Retitle');
    origin.commit('feat-clash', { 'title.txt': 'title from feat-clash\n', 'clash-only.txt': 'x\n' }, 'Retitle differently');
    origin.commit('feat-c', { 'c.txt': 'c\n' }, 'Add c');
    temp = makeTempDir('berth-workdir-');
    workdir = join(temp.path, 'qa-1');
  });

  afterEach(() => {
    temp.cleanup();
    origin.cleanup();
  });

  const merge = (branches: string[], onProgress?: (event: SourceProgress) => void) =>
    batchMerge({ workdir, repository: { url: origin.url }, starterBranch: 'main', branches, onProgress });

  it('merges each branch in order and skips one that conflicts, naming its files, while the rest go on', async () => {
    const events: SourceProgress[] = [];

    const result = await merge(['feat-a', 'feat-title', 'feat-clash', 'feat-c'], (event) => events.push(event));

    expect(result.merged).toEqual(['feat-a', 'feat-title', 'feat-c']);
    expect(result.skipped).toEqual([{ branch: 'feat-clash', reason: 'conflicts in title.txt', files: ['title.txt'] }]);
    expect(readFileSync(join(workdir, 'title.txt'), 'utf8')).toBe('title from feat-title\n');
    expect(existsSync(join(workdir, 'a.txt'))).toBe(true);
    expect(existsSync(join(workdir, 'c.txt'))).toBe(true);
    expect(existsSync(join(workdir, 'clash-only.txt'))).toBe(false);
    expect(events.filter((event) => event.step === 'merge')).toEqual([
      { step: 'merge', branch: 'feat-a', outcome: 'merged', message: 'merged feat-a' },
      { step: 'merge', branch: 'feat-title', outcome: 'merged', message: 'merged feat-title' },
      { step: 'merge', branch: 'feat-clash', outcome: 'skipped', message: 'skipped feat-clash: conflicts in title.txt' },
      { step: 'merge', branch: 'feat-c', outcome: 'merged', message: 'merged feat-c' },
    ]);
  });

  it('puts the working copy back exactly as it was before a merge that conflicts', async () => {
    const result = await merge(['feat-title', 'feat-clash']);

    expect(result.skipped.map((skip) => skip.branch)).toEqual(['feat-clash']);
    expect(git(workdir, ['status', '--porcelain', '--untracked-files=all'])).toBe('');
    expect(existsSync(join(workdir, '.git', 'MERGE_HEAD'))).toBe(false);
    expect(git(workdir, ['log', '--topo-order', '--format=%s', 'HEAD'])).toBe("Merge branch 'feat-title' into main\nRetitle\nInitial commit");
  });

  it('records the merged commit, the starter branch and the subject of the resulting tree', async () => {
    const result = await merge(['feat-a']);

    expect(result.branch).toBe('main');
    expect(result.commit).toBe(git(workdir, ['rev-parse', 'HEAD']));
    expect(result.subject).toBe("Merge branch 'feat-a' into main");
  });

  it('skips a branch that origin does not have and merges the others', async () => {
    const result = await merge(['feat-a', 'gone', 'feat-c']);

    expect(result.merged).toEqual(['feat-a', 'feat-c']);
    expect(result.skipped).toEqual([{ branch: 'gone', reason: "branch 'gone' not found on origin", files: [] }]);
  });

  it('fails when the starter branch is not on origin', async () => {
    await expect(
      batchMerge({ workdir, repository: { url: origin.url }, starterBranch: 'develop', branches: ['feat-a'] }),
    ).rejects.toMatchObject({ code: 'SOURCE_FAILED', message: "starter branch 'develop' not found on origin" });
  });

  it('starts again from the starter on the next batch, keeping ignored build output', async () => {
    await merge(['feat-a', 'feat-title']);
    mkdirSync(join(workdir, 'node_modules'), { recursive: true });
    writeFileSync(join(workdir, 'node_modules', 'kept.js'), '1\n');

    const result = await merge(['feat-clash']);

    expect(result.merged).toEqual(['feat-clash']);
    expect(result.firstCheckout).toBe(false);
    expect(existsSync(join(workdir, 'a.txt'))).toBe(false);
    expect(readFileSync(join(workdir, 'title.txt'), 'utf8')).toBe('title from feat-clash\n');
    expect(existsSync(join(workdir, 'node_modules', 'kept.js'))).toBe(true);
  });

  it('stops between branches when cancelled', async () => {
    const controller = new AbortController();

    const outcome = batchMerge({
      workdir,
      repository: { url: origin.url },
      starterBranch: 'main',
      branches: ['feat-a', 'feat-c'],
      signal: controller.signal,
      onProgress: (event) => {
        if (event.step === 'merge') controller.abort();
      },
    });

    await expect(outcome).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(existsSync(join(workdir, 'c.txt'))).toBe(false);
  });
});
