import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BerthError } from '../../agent-core/protocol';
import { prepareGitSource, type SourceProgress } from '../../agent-core/source';
import { createGitOrigin, git, type GitOrigin } from '../fixtures/git-origin';
import { makeTempDir } from '../fixtures/temp-dir';

describe('git source', () => {
  let origin: GitOrigin;
  let temp: { path: string; cleanup: () => void };
  let workdir: string;

  beforeEach(() => {
    origin = createGitOrigin({ '.gitignore': 'node_modules/\n', 'app.txt': 'version 1\n' });
    temp = makeTempDir('berth-workdir-');
    workdir = join(temp.path, 'slots', 'acme', 'qa-1');
  });

  afterEach(() => {
    temp.cleanup();
    origin.cleanup();
  });

  const deploy = (branch: string, commit?: string) =>
    prepareGitSource({ workdir, repository: { url: origin.url }, branch, commit });

  it('clones the branch into a new working copy and records its commit, branch and subject', async () => {
    const head = origin.commit('main', { 'app.txt': 'version 2\n' }, 'Bump to version 2');
    const events: SourceProgress[] = [];

    const result = await prepareGitSource({ workdir, repository: { url: origin.url }, branch: 'main', onProgress: (e) => events.push(e) });

    expect(result).toEqual({ commit: head, branch: 'main', subject: 'Bump to version 2', firstCheckout: true });
    expect(readFileSync(join(workdir, 'app.txt'), 'utf8')).toBe('version 2\n');
    expect(git(workdir, ['rev-parse', '--abbrev-ref', 'HEAD'])).toBe('main');
    expect(events.map((e) => e.step)).toEqual(['fetch', 'checkout']);
  });

  it('moves an existing working copy to the new head, discarding tracked changes but keeping ignored build output', async () => {
    await deploy('main');
    writeFileSync(join(workdir, 'app.txt'), 'edited by hand\n');
    writeFileSync(join(workdir, 'stray.txt'), 'left behind\n');
    mkdirSync(join(workdir, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(join(workdir, 'node_modules', 'dep', 'index.js'), 'module.exports = 1;\n');
    const head = origin.commit('main', { 'app.txt': 'version 2\n' }, 'Version 2');

    const result = await deploy('main');

    expect(result.commit).toBe(head);
    expect(result.firstCheckout).toBe(false);
    expect(readFileSync(join(workdir, 'app.txt'), 'utf8')).toBe('version 2\n');
    expect(existsSync(join(workdir, 'stray.txt'))).toBe(false);
    expect(readFileSync(join(workdir, 'node_modules', 'dep', 'index.js'), 'utf8')).toBe('module.exports = 1;\n');
    expect(git(workdir, ['status', '--porcelain'])).toBe('');
  });

  it('cleans a working copy whose .gitignore ignores every dotfile and leaves no file of its own there', async () => {
    const hidden = createGitOrigin({ '.gitignore': '.*\n!.gitignore\n', 'app.txt': 'version 1\n' });
    try {
      const request = { workdir, repository: { url: hidden.url }, branch: 'main' };
      await prepareGitSource(request);
      writeFileSync(join(workdir, 'stray.txt'), 'left behind\n');
      writeFileSync(join(workdir, '.env.local'), 'ignored, so kept\n');
      hidden.commit('main', { 'app.txt': 'version 2\n' }, 'Version 2');

      await prepareGitSource(request);

      expect(readdirSync(workdir).sort()).toEqual(['.env.local', '.git', '.gitignore', 'app.txt']);
      expect(readFileSync(join(workdir, 'app.txt'), 'utf8')).toBe('version 2\n');
    } finally {
      hidden.cleanup();
    }
  });

  it('deploys the requested commit instead of the head of the branch', async () => {
    const first = origin.commit('main', { 'app.txt': 'version 2\n' }, 'Version 2');
    origin.commit('main', { 'app.txt': 'version 3\n' }, 'Version 3');

    const result = await deploy('main', first.slice(0, 10));

    expect(result).toMatchObject({ commit: first, branch: 'main', subject: 'Version 2' });
    expect(readFileSync(join(workdir, 'app.txt'), 'utf8')).toBe('version 2\n');
  });

  it('fetches a requested commit that is no longer on the branch', async () => {
    const lost = origin.commit('experiment', { 'app.txt': 'experiment\n' }, 'Experiment');
    git(origin.path, ['update-ref', 'refs/heads/keep', lost]);
    git(origin.path, ['branch', '-D', 'experiment']);

    const result = await deploy('main', lost);

    expect(result).toMatchObject({ commit: lost, subject: 'Experiment' });
  });

  it('switches the working copy to another branch', async () => {
    await deploy('main');
    const feature = origin.commit('feature/login', { 'login.txt': 'login\n' }, 'Add login');

    const result = await deploy('feature/login');

    expect(result).toMatchObject({ commit: feature, branch: 'feature/login' });
    expect(existsSync(join(workdir, 'login.txt'))).toBe(true);
  });

  it('checks out into a folder that already holds files, such as an earlier snapshot', async () => {
    mkdirSync(workdir, { recursive: true });
    writeFileSync(join(workdir, 'app.txt'), 'from a snapshot\n');
    writeFileSync(join(workdir, 'old.txt'), 'from a snapshot\n');

    await deploy('main');

    expect(readFileSync(join(workdir, 'app.txt'), 'utf8')).toBe('version 1\n');
    expect(existsSync(join(workdir, 'old.txt'))).toBe(false);
  });

  it('accepts a plain path to a local repository', async () => {
    const result = await prepareGitSource({ workdir, repository: { url: origin.path }, branch: 'main' });

    expect(result.subject).toBe('Initial commit');
  });

  it("fails with \"branch 'x' not found on origin\" for an unknown branch", async () => {
    await expect(deploy('no-such-branch')).rejects.toMatchObject({
      code: 'SOURCE_FAILED',
      message: "branch 'no-such-branch' not found on origin",
    });
  });

  it('fails clearly when the remote cannot be reached', async () => {
    const missing = join(temp.path, 'nowhere.git');

    const error = await prepareGitSource({ workdir, repository: { url: missing }, branch: 'main' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BerthError);
    expect((error as BerthError).code).toBe('SOURCE_FAILED');
    expect((error as BerthError).message).toContain(`cannot reach the repository at ${missing}`);
  });

  it('fails clearly when an http remote refuses connections', async () => {
    const url = 'http://127.0.0.1:9/acme/web.git';

    await expect(prepareGitSource({ workdir, repository: { url }, branch: 'main' })).rejects.toMatchObject({
      code: 'SOURCE_FAILED',
      message: expect.stringContaining(`cannot reach the repository at ${url}`),
    });
  });

  it('reports a working copy locked by another git process', async () => {
    await deploy('main');
    origin.commit('main', { 'app.txt': 'version 2\n' }, 'Version 2');
    writeFileSync(join(workdir, '.git', 'index.lock'), '');

    await expect(deploy('main')).rejects.toMatchObject({
      code: 'SOURCE_FAILED',
      message: expect.stringMatching(/is locked by another git process; wait for it to finish, or delete .*index\.lock/),
    });
  });

  it('recovers a working copy left in the middle of a merge', async () => {
    await deploy('main');
    origin.commit('clash', { 'app.txt': 'clash\n' }, 'Clash');
    await deploy('main');
    writeFileSync(join(workdir, 'app.txt'), 'local\n');
    git(workdir, ['commit', '--quiet', '-am', 'Local']);
    git(workdir, ['fetch', '--quiet', 'origin', 'clash']);
    expect(() => git(workdir, ['merge', 'FETCH_HEAD'])).toThrow();
    expect(existsSync(join(workdir, '.git', 'MERGE_HEAD'))).toBe(true);

    const result = await deploy('main');

    expect(result.subject).toBe('Initial commit');
    expect(existsSync(join(workdir, '.git', 'MERGE_HEAD'))).toBe(false);
    expect(git(workdir, ['status', '--porcelain'])).toBe('');
  });

  it('refuses a branch name git would read as an option', async () => {
    await expect(deploy('--upload-pack=touch /tmp/pwned')).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    expect(existsSync(workdir)).toBe(false);
  });

  it('refuses a remote helper URL that would run a command', async () => {
    await expect(
      prepareGitSource({ workdir, repository: { url: 'ext::sh -c touch% /tmp/pwned' }, branch: 'main' }),
    ).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
  });
});
