import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureSnapshot, type CaptureRequest } from '../../agent-core/source';
import { SnapshotRepository } from '../../agent-core/store/snapshot-repository';
import { makeTempDir } from '../fixtures/temp-dir';
import { openTempStore } from '../fixtures/temp-store';
import { databaseOf } from '../../agent-core/store/open-store';

function writeTree(root: string, files: Record<string, string>): void {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), content);
  }
}

function listArchive(archive: string): string[] {
  return execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
}

describe('snapshot capture', () => {
  let temp: { path: string; cleanup: () => void };
  let stored: ReturnType<typeof openTempStore>;
  let snapshots: SnapshotRepository;
  let sources: string;

  beforeEach(() => {
    temp = makeTempDir('berth-snapshot-');
    stored = openTempStore();
    snapshots = stored.store.snapshots;
    sources = join(temp.path, 'sources');
    mkdirSync(sources);
  });

  afterEach(() => {
    stored.cleanup();
    temp.cleanup();
  });

  const capture = (directory: string, extra: Partial<CaptureRequest> = {}) =>
    captureSnapshot({ directory, storagePath: stored.storagePath, sourceRoots: [sources], snapshots, ...extra });

  it('archives the directory under its content hash and records hash, file count, size, source and time', async () => {
    const app = join(sources, 'app');
    writeTree(app, { 'server.js': 'console.log(1);\n', 'public/index.html': '<h1>hi</h1>\n' });

    const info = await capture(app);

    expect(info.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(info.archivePath).toBe(join(stored.storagePath, 'artifacts', `${info.contentHash.slice(7)}.tar.gz`));
    expect(existsSync(info.archivePath)).toBe(true);
    expect(info).toMatchObject({ fileCount: 2, sizeBytes: 28, sourcePath: app, reused: false });
    expect(Date.parse(info.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    const { reused: _reused, ...record } = info;
    expect(snapshots.get(info.contentHash)).toEqual(record);
    expect(listArchive(info.archivePath)).toEqual(['public/', 'public/index.html', 'server.js']);
  });

  it('gives the same hash and the same archive bytes for the same tree, whatever the file times or creation order', async () => {
    const first = join(sources, 'first');
    const second = join(sources, 'second');
    writeTree(first, { 'a.txt': 'a\n', 'lib/b.txt': 'b\n', 'lib/c.txt': 'c\n' });
    writeTree(second, { 'lib/c.txt': 'c\n', 'a.txt': 'a\n', 'lib/b.txt': 'b\n' });
    utimesSync(join(second, 'a.txt'), new Date('2001-01-01'), new Date('2001-01-01'));

    const one = await capture(first);
    const archiveBytes = readFileSync(one.archivePath);
    databaseOf(stored.store).prepare('DELETE FROM snapshots').run();
    rmSync(one.archivePath);
    const two = await capture(second);

    expect(two.contentHash).toBe(one.contentHash);
    expect(readFileSync(two.archivePath).equals(archiveBytes)).toBe(true);
  });

  it('gives a different hash when a file changes or becomes executable', async () => {
    const app = join(sources, 'app');
    writeTree(app, { 'run.sh': 'echo hi\n' });
    const original = await capture(app);

    chmodSync(join(app, 'run.sh'), 0o755);
    const executable = await capture(app);
    writeFileSync(join(app, 'run.sh'), 'echo bye\n');
    const edited = await capture(app);

    expect(new Set([original.contentHash, executable.contentHash, edited.contentHash]).size).toBe(3);
  });

  it('recognises an unchanged directory by its hash and does not archive it again', async () => {
    const app = join(sources, 'app');
    writeTree(app, { 'index.js': 'module.exports = 1;\n' });
    const first = await capture(app);
    const before = statSync(first.archivePath);
    utimesSync(join(app, 'index.js'), new Date('2010-01-01'), new Date('2010-01-01'));

    const again = await capture(app);

    expect(again).toMatchObject({ contentHash: first.contentHash, reused: true, createdAt: first.createdAt });
    const after = statSync(again.archivePath);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(snapshots.list()).toHaveLength(1);
  });

  it('leaves out git data, dependencies, build output, caches, logs and what .berthignore lists', async () => {
    const app = join(sources, 'app');
    writeTree(app, {
      'src/index.js': '1\n',
      '.git/HEAD': 'ref: refs/heads/main\n',
      'node_modules/dep/index.js': '2\n',
      '.next/cache/x': '3\n',
      '.next/server/page.js': '4\n',
      'dist/bundle.js': '5\n',
      'build/out.js': '6\n',
      'npm-debug.log': '7\n',
      'data/app.sqlite': '8\n',
      '.berthignore': 'data/\n',
    });

    const info = await capture(app);

    expect(listArchive(info.archivePath)).toEqual(['.berthignore', '.next/', '.next/server/', '.next/server/page.js', 'src/', 'src/index.js']);
  });

  it('keeps links that stay inside the directory, and empty folders', async () => {
    const app = join(sources, 'app');
    writeTree(app, { 'lib/real.js': 'x\n' });
    mkdirSync(join(app, 'uploads'));
    symlinkSync('lib/real.js', join(app, 'current.js'));
    symlinkSync(join(app, 'lib'), join(app, 'lib-absolute'));

    const info = await capture(app);

    const listing = execFileSync('tar', ['-tvzf', info.archivePath], { encoding: 'utf8' });
    expect(listing).toMatch(/current\.js -> lib\/real\.js/);
    expect(listing).toMatch(/lib-absolute -> lib\n/);
    expect(listing).toMatch(/uploads\/\n/);
    expect(info.fileCount).toBe(3);
  });

  it('refuses a link that points outside the directory', async () => {
    const app = join(sources, 'app');
    writeTree(app, { 'index.js': '1\n' });
    symlinkSync('/etc/passwd', join(app, 'passwords'));

    await expect(capture(app)).rejects.toMatchObject({
      code: 'PATH_NOT_ALLOWED',
      message: expect.stringContaining("the symbolic link 'passwords' points outside"),
    });
  });

  it('refuses a link whose target climbs out through another link', async () => {
    const app = join(sources, 'app');
    writeTree(app, { 'deep/er/file.txt': '1\n' });
    symlinkSync('.', join(app, 'here'));
    symlinkSync('here/..', join(app, 'escape'));

    await expect(capture(app)).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' });
  });

  it('refuses a directory outside the configured source roots', async () => {
    const elsewhere = join(temp.path, 'elsewhere');
    writeTree(elsewhere, { 'a.txt': 'a\n' });

    await expect(capture(elsewhere)).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' });
  });

  it('refuses a directory with more files than the limit', async () => {
    const app = join(sources, 'app');
    writeTree(app, { 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c', 'd.txt': 'd' });

    await expect(capture(app, { limits: { maxFiles: 3 } })).rejects.toMatchObject({
      code: 'SOURCE_FAILED',
      message: expect.stringContaining('holds more than 3 files after the ignore rules'),
    });
  });

  it('refuses a directory larger than the size limit', async () => {
    const app = join(sources, 'app');
    writeTree(app, { 'big.bin': 'x'.repeat(2048) });

    await expect(capture(app, { limits: { maxBytes: 1024 } })).rejects.toMatchObject({
      code: 'SOURCE_FAILED',
      message: expect.stringContaining('holds more than 1024 bytes'),
    });
  });

  it('has a limit of 100,000 files and 1 GiB by default', async () => {
    const { DEFAULT_SNAPSHOT_LIMITS } = await import('../../agent-core/source');

    expect(DEFAULT_SNAPSHOT_LIMITS).toEqual({ maxFiles: 100_000, maxBytes: 1024 ** 3 });
  });

  it('stops when cancelled and leaves no archive behind', async () => {
    const app = join(sources, 'app');
    writeTree(app, { 'a.txt': 'a\n' });
    const controller = new AbortController();
    controller.abort();

    await expect(capture(app, { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(existsSync(join(stored.storagePath, 'artifacts'))).toBe(false);
    expect(snapshots.list()).toEqual([]);
  });

  it('archives long and non-ASCII names in a form system tar reads back', async () => {
    const app = join(sources, 'app');
    const long = `${'deeply-nested-folder/'.repeat(8)}${'a'.repeat(120)}.txt`;
    writeTree(app, { [long]: 'long\n', 'données/café.txt': 'crème\n' });

    const info = await capture(app);

    const listing = listArchive(info.archivePath);
    expect(listing).toContain(long);
    expect(listing).toContain('données/café.txt');
  });
});
