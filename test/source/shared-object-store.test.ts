import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareGitSource } from '../../agent-core/source';
import { createGitOrigin, git, type GitOrigin } from '../fixtures/git-origin';
import { startGitHttpServer } from '../fixtures/git-http-server';
import { makeTempDir } from '../fixtures/temp-dir';

const TOKEN = 'ghp_sharedStoreT0ken77';
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((name) => join(folder, name))
    .filter((file) => statSync(file).isFile());
}

/** Object files (loose objects and packs) a repository's own objects folder holds. */
function ownObjectFiles(gitDir: string): string[] {
  return filesUnder(join(gitDir, 'objects')).filter((file) => !file.includes(`${join('objects', 'info')}`));
}

function bytesUnder(folder: string): number {
  return filesUnder(folder).reduce((sum, file) => sum + statSync(file).size, 0);
}

describe('shared object store', () => {
  let origin: GitOrigin;
  let storage: { path: string; cleanup: () => void };
  let storeRoot: string;
  const copy = (slot: string, color: string) => join(storage.path, 'slots', 'acme', slot, color);

  beforeEach(() => {
    // 2 MB that does not compress: a working copy holding its own objects would hold it again.
    origin = createGitOrigin({ 'app.txt': 'v1\n', 'big.bin': randomBytes(2 * 1024 * 1024).toString('base64') });
    storage = makeTempDir('berth-shared-store-');
    storeRoot = join(storage.path, 'repos');
  });

  afterEach(() => {
    storage.cleanup();
    origin.cleanup();
  });

  it('fetches a commit once for both colors of a slot and for a second slot on the same repository', async () => {
    const repository = { url: origin.url };
    const blue = await prepareGitSource({ workdir: copy('qa-1', 'blue'), repository, storeRoot, branch: 'main' });
    const [store] = readdirSync(storeRoot);
    const storeObjects = ownObjectFiles(join(storeRoot, store)).sort();

    const green = await prepareGitSource({ workdir: copy('qa-1', 'green'), repository, storeRoot, branch: 'main' });
    const other = await prepareGitSource({ workdir: copy('qa-2', 'blue'), repository, storeRoot, branch: 'main' });

    expect(readdirSync(storeRoot)).toEqual([store]);
    expect(ownObjectFiles(join(storeRoot, store)).sort()).toEqual(storeObjects);
    expect([green.commit, other.commit]).toEqual([blue.commit, blue.commit]);
    for (const workdir of [copy('qa-1', 'blue'), copy('qa-1', 'green'), copy('qa-2', 'blue')]) {
      expect(ownObjectFiles(join(workdir, '.git')), workdir).toEqual([]);
      expect(bytesUnder(join(workdir, '.git')), workdir).toBeLessThan(512 * 1024);
      expect(readFileSync(join(workdir, 'app.txt'), 'utf8')).toBe('v1\n');
      expect(git(workdir, ['status', '--porcelain'])).toBe('');
    }
  });

  it('leaves a good store when two slots fetch the same repository at once', async () => {
    const repository = { url: origin.url };
    await prepareGitSource({ workdir: copy('qa-1', 'blue'), repository, storeRoot, branch: 'main' });
    const next = origin.commit('main', { 'app.txt': 'v2\n' }, 'Version 2');
    const feature = origin.commit('feature', { 'app.txt': 'feature\n' }, 'Feature', { from: 'main' });

    const results = await Promise.all([
      prepareGitSource({ workdir: copy('qa-1', 'green'), repository, storeRoot, branch: 'main' }),
      prepareGitSource({ workdir: copy('qa-2', 'blue'), repository, storeRoot, branch: 'main' }),
      prepareGitSource({ workdir: copy('qa-3', 'blue'), repository, storeRoot, branch: 'feature' }),
    ]);

    expect(results.map((result) => result.commit)).toEqual([next, next, feature]);
    const [store] = readdirSync(storeRoot);
    expect(git(storeRoot, ['--git-dir', store, 'fsck', '--no-progress', '--connectivity-only'])).toBe('');
    expect(git(storeRoot, ['--git-dir', store, 'rev-parse', 'refs/heads/main', 'refs/heads/feature'])).toBe(`${next}\n${feature}`);
    expect(readFileSync(join(copy('qa-3', 'blue'), 'app.txt'), 'utf8')).toBe('feature\n');
  });

  it('starts a working copy over when its store was deleted to reclaim space, keeping its ignored files', async () => {
    const repository = { url: origin.url };
    const workdir = copy('qa-1', 'blue');
    await prepareGitSource({ workdir, repository, storeRoot, branch: 'main' });
    mkdirSync(join(workdir, 'node_modules'), { recursive: true });
    writeFileSync(join(workdir, '.gitignore'), 'node_modules\n');
    writeFileSync(join(workdir, 'node_modules', 'kept.js'), 'kept\n');
    rmSync(storeRoot, { recursive: true });
    const next = origin.commit('main', { 'app.txt': 'v2\n', '.gitignore': 'node_modules\n' }, 'Version 2');

    const result = await prepareGitSource({ workdir, repository, storeRoot, branch: 'main' });

    expect(result).toMatchObject({ commit: next, firstCheckout: false });
    expect(readFileSync(join(workdir, 'app.txt'), 'utf8')).toBe('v2\n');
    expect(readFileSync(join(workdir, 'node_modules', 'kept.js'), 'utf8')).toBe('kept\n');
  });

  it('keeps the token off the disk of the store and of the working copies', async () => {
    const server = await startGitHttpServer({ projectRoot: origin.root, token: TOKEN });
    try {
      const repository = { url: server.url('origin.git'), token: TOKEN };
      await prepareGitSource({ workdir: copy('qa-1', 'blue'), repository, storeRoot, branch: 'main' });
      await prepareGitSource({ workdir: copy('qa-1', 'green'), repository, storeRoot, branch: 'main' });

      expect(server.requests.some((request) => request.authorization === `Basic ${BASIC}`)).toBe(true);
      for (const file of filesUnder(storage.path)) {
        const content = readFileSync(file).toString('latin1');
        expect(content, file).not.toContain(TOKEN);
        expect(content, file).not.toContain(BASIC);
      }
    } finally {
      await server.close();
    }
  });
});
