import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { artifactPath, captureSnapshot, extractSnapshot } from '../../agent-core/source';
import { craftTarGz, type CraftedEntry } from '../fixtures/tar-craft';
import { makeTempDir } from '../fixtures/temp-dir';
import { openTempStore } from '../fixtures/temp-store';

const CRAFTED_HASH = `sha256:${'ab'.repeat(32)}`;

describe('snapshot extract', () => {
  let temp: { path: string; cleanup: () => void };
  let stored: ReturnType<typeof openTempStore>;
  let storagePath: string;
  let target: string;
  let outside: string;

  beforeEach(() => {
    temp = makeTempDir('berth-extract-');
    stored = openTempStore();
    storagePath = stored.storagePath;
    target = join(storagePath, 'slots', 'acme', 'qa-1');
    outside = join(temp.path, 'outside');
    mkdirSync(outside);
  });

  afterEach(() => {
    stored.cleanup();
    temp.cleanup();
  });

  const plant = (entries: CraftedEntry[]): void => {
    const archive = artifactPath(storagePath, CRAFTED_HASH);
    mkdirSync(dirname(archive), { recursive: true });
    writeFileSync(archive, craftTarGz(entries));
  };
  const extractCrafted = () => extractSnapshot({ contentHash: CRAFTED_HASH, storagePath, target });
  const expectRefusedAndContained = async (message: RegExp) => {
    await expect(extractCrafted()).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED', message: expect.stringMatching(message) });
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(join(storagePath, 'escaped.txt'))).toBe(false);
    expect(readdirSync(target)).toEqual([]);
  };

  it('restores a captured tree into a clean working copy, with modes, links and empty folders', async () => {
    const sources = join(temp.path, 'sources');
    const app = join(sources, 'app');
    mkdirSync(join(app, 'lib'), { recursive: true });
    mkdirSync(join(app, 'uploads'));
    writeFileSync(join(app, 'lib', 'real.js'), 'real\n');
    writeFileSync(join(app, 'start.sh'), '#!/bin/sh\n');
    chmodSync(join(app, 'start.sh'), 0o755);
    symlinkSync('lib/real.js', join(app, 'current.js'));
    const info = await captureSnapshot({ directory: app, storagePath, sourceRoots: [sources], snapshots: stored.store.snapshots });
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, 'left-over.txt'), 'old deployment\n');

    const result = await extractSnapshot({ contentHash: info.contentHash, storagePath, target });

    expect(result.fileCount).toBe(3);
    expect(readdirSync(target).sort()).toEqual(['current.js', 'lib', 'start.sh', 'uploads']);
    expect(readFileSync(join(target, 'current.js'), 'utf8')).toBe('real\n');
    expect(readlinkSync(join(target, 'current.js'))).toBe('lib/real.js');
    expect(statSync(join(target, 'start.sh')).mode & 0o111).not.toBe(0);
    expect(Date.now() - statSync(join(target, 'lib', 'real.js')).mtimeMs).toBeLessThan(60_000);
  });

  it('can extract the same snapshot again later, for a rollback', async () => {
    plant([{ path: 'index.js', type: 'File', content: 'v1\n' }]);
    await extractCrafted();
    writeFileSync(join(target, 'index.js'), 'changed by v2\n');

    await extractCrafted();

    expect(readFileSync(join(target, 'index.js'), 'utf8')).toBe('v1\n');
  });

  it('says when the host does not hold the snapshot', async () => {
    await expect(extractSnapshot({ contentHash: `sha256:${'0'.repeat(64)}`, storagePath, target })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('refuses to empty a folder outside the storage path, and leaves it untouched', async () => {
    plant([{ path: 'index.js', type: 'File', content: 'x\n' }]);
    writeFileSync(join(outside, 'precious.txt'), 'keep me\n');

    await expect(extractSnapshot({ contentHash: CRAFTED_HASH, storagePath, target: outside })).rejects.toMatchObject({
      code: 'PATH_NOT_ALLOWED',
    });
    expect(readFileSync(join(outside, 'precious.txt'), 'utf8')).toBe('keep me\n');
  });

  it('refuses to empty the storage path itself or its artifacts', async () => {
    plant([{ path: 'index.js', type: 'File', content: 'x\n' }]);

    await expect(extractSnapshot({ contentHash: CRAFTED_HASH, storagePath, target: storagePath })).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' });
    await expect(
      extractSnapshot({ contentHash: CRAFTED_HASH, storagePath, target: join(storagePath, 'artifacts') }),
    ).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' });
    expect(existsSync(artifactPath(storagePath, CRAFTED_HASH))).toBe(true);
  });

  it('refuses to empty a folder that a link inside the storage path leads out to', async () => {
    plant([{ path: 'index.js', type: 'File', content: 'x\n' }]);
    writeFileSync(join(outside, 'precious.txt'), 'keep me\n');
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(outside, target);

    await expect(extractCrafted()).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' });
    expect(readFileSync(join(outside, 'precious.txt'), 'utf8')).toBe('keep me\n');
  });

  describe('with a hostile archive', () => {
    it("refuses an entry that climbs out with '..'", async () => {
      plant([{ path: '../../../escaped.txt', type: 'File', content: 'x' }]);
      await expectRefusedAndContained(/has a '\.\.' in its path/);
    });

    it('refuses an absolute entry path', async () => {
      plant([{ path: `${outside}/escaped.txt`, type: 'File', content: 'x' }]);
      await expectRefusedAndContained(/has an absolute path/);
    });

    it('refuses a drive-relative entry path such as C:../x', async () => {
      plant([{ path: 'C:../escaped.txt', type: 'File', content: 'x' }]);
      await expectRefusedAndContained(/has a path on a drive/);
    });

    it('refuses a backslash path that climbs out on Windows', async () => {
      plant([{ path: 'a\\..\\..\\escaped.txt', type: 'File', content: 'x' }]);
      await expectRefusedAndContained(/has a '\.\.' in its path/);
    });

    it('refuses a symbolic link that points outside', async () => {
      plant([{ path: 'out', type: 'SymbolicLink', linkpath: '../../..' }]);
      await expectRefusedAndContained(/is a link that points outside the snapshot/);
    });

    it('refuses a symbolic link to an absolute path', async () => {
      plant([{ path: 'out', type: 'SymbolicLink', linkpath: outside }]);
      await expectRefusedAndContained(/is a link to an absolute path/);
    });

    it('refuses a hard link, even to a file inside', async () => {
      plant([
        { path: 'a.txt', type: 'File', content: 'x' },
        { path: 'b.txt', type: 'Link', linkpath: 'a.txt' },
      ]);
      await expectRefusedAndContained(/is a hard link/);
    });

    it('refuses a hard link to a file outside followed by a write through it', async () => {
      writeFileSync(join(temp.path, 'victim.txt'), 'original\n');
      plant([
        { path: 'h', type: 'Link', linkpath: join(temp.path, 'victim.txt') },
        { path: 'h', type: 'File', content: 'overwritten\n' },
      ]);

      await expect(extractCrafted()).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' });
      expect(readFileSync(join(temp.path, 'victim.txt'), 'utf8')).toBe('original\n');
    });

    it('refuses a file written through a link the archive created', async () => {
      plant([
        { path: 'sub/', type: 'Directory' },
        { path: 'link', type: 'SymbolicLink', linkpath: 'sub' },
        { path: 'link/file.txt', type: 'File', content: 'x' },
      ]);
      await expectRefusedAndContained(/would be written through the symbolic link 'link'/);
    });

    it('refuses a write through a link named with different case', async () => {
      plant([
        { path: 'sub/', type: 'Directory' },
        { path: 'Link', type: 'SymbolicLink', linkpath: 'sub' },
        { path: 'link/file.txt', type: 'File', content: 'x' },
      ]);
      await expectRefusedAndContained(/would be written through the symbolic link/);
    });

    it('refuses a link that looks inside as written but leads out through another link', async () => {
      plant([
        { path: 'here', type: 'SymbolicLink', linkpath: '.' },
        { path: 'up', type: 'SymbolicLink', linkpath: 'here/..' },
      ]);
      await expectRefusedAndContained(/'up' is a link that leads outside the snapshot/);
      expect(lstatSync(target).isDirectory()).toBe(true);
    });

    it('refuses a device or fifo entry', async () => {
      plant([{ path: 'pipe', type: 'FIFO' }]);
      await expectRefusedAndContained(/is of type FIFO/);
    });
  });
});
