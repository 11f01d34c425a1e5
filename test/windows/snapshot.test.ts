import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { artifactPath } from '../../agent-core/source/snapshot-archive';
import { captureSnapshot, type SnapshotStore } from '../../agent-core/source/snapshot-capture';
import { extractSnapshot } from '../../agent-core/source/snapshot-extract';
import type { SnapshotRecord } from '../../agent-core/store/snapshot-repository';
import { craftTarGz } from '../fixtures/tar-craft';
import { useWorkspace } from './lane';

/** The snapshots table, in memory: SQLite has no Windows build here. */
function memorySnapshots(): SnapshotStore {
  const records = new Map<string, SnapshotRecord>();
  return { get: (hash) => records.get(hash) ?? null, upsert: (record) => void records.set(record.contentHash, record) };
}

/** Every file under `folder` with its text, as 'a/b.txt' paths. */
function filesIn(folder: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files[path.relative(folder, full).split(path.sep).join('/')] = readFileSync(full, 'utf8');
  }
  return files;
}

describe('snapshots of a Windows folder', { timeout: 60_000 }, () => {
  const workspace = useWorkspace();

  it('captures nested folders with spaces, accents and long paths, leaves out the ignored ones, and extracts them file for file', async () => {
    const sources = workspace.folder('berth sources ');
    const app = path.join(sources, 'My App');
    const deep = path.join(app, 'src', ...Array.from({ length: 12 }, (_, index) => `folder-number-${index}-with-a-long-name`));
    mkdirSync(deep, { recursive: true });
    mkdirSync(path.join(app, 'node_modules', 'left-out'), { recursive: true });
    mkdirSync(path.join(app, 'Secrets'));
    writeFileSync(path.join(app, 'package.json'), '{ "name": "app" }\r\n');
    writeFileSync(path.join(app, 'Résumé café.txt'), 'accents\n');
    writeFileSync(path.join(deep, 'deep.js'), 'deep\n');
    writeFileSync(path.join(app, 'node_modules', 'left-out', 'index.js'), 'dependency\n');
    writeFileSync(path.join(app, 'Secrets', 'key.txt'), 'secret\n');
    // Notepad writes CRLF; the rules must still match.
    writeFileSync(path.join(app, '.berthignore'), 'Secrets/\r\n*.tmp\r\n');
    writeFileSync(path.join(app, 'scratch.tmp'), 'temporary\n');
    assert.ok(path.join(deep, 'deep.js').length > 260, 'the deep file is past the old 260-character limit');

    const storagePath = workspace.folder('berth storage ');
    const snapshots = memorySnapshots();
    // The root as a person might type it: another case, forward slashes.
    const typedRoot = sources.toUpperCase().replace(/\\/g, '/');
    const info = await captureSnapshot({ directory: app.toLowerCase(), storagePath, sourceRoots: [typedRoot], snapshots });
    assert.equal(info.fileCount, 4);
    assert.equal(existsSync(artifactPath(storagePath, info.contentHash)), true);

    const target = path.join(storagePath, 'slots', 'acme', 'qa-1');
    const result = await extractSnapshot({ contentHash: info.contentHash, storagePath, target });
    assert.equal(result.fileCount, 4);
    const relativeDeep = path.relative(app, path.join(deep, 'deep.js')).split(path.sep).join('/');
    assert.deepEqual(filesIn(target), {
      '.berthignore': 'Secrets/\r\n*.tmp\r\n',
      'package.json': '{ "name": "app" }\r\n',
      'Résumé café.txt': 'accents\n',
      [relativeDeep]: 'deep\n',
    });

    const again = await captureSnapshot({ directory: app, storagePath, sourceRoots: [sources], snapshots });
    assert.equal(again.contentHash, info.contentHash);
    assert.equal(again.reused, true);
  });

  it('extracts into a working copy named in another case than the storage path', async () => {
    const storagePath = workspace.folder('berth-storage-');
    const sources = workspace.folder();
    writeFileSync(path.join(sources, 'index.js'), 'x\n');
    const info = await captureSnapshot({ directory: sources, storagePath, sourceRoots: [sources], snapshots: memorySnapshots() });
    const target = path.join(storagePath.toUpperCase(), 'SLOTS', 'acme', 'qa-2');
    await extractSnapshot({ contentHash: info.contentHash, storagePath, target });
    assert.deepEqual(readdirSync(path.join(storagePath, 'slots', 'acme', 'qa-2')), ['index.js']);
  });

  for (const entryPath of ['app\\..\\..\\escaped.txt', 'C:\\escaped.txt', 'c:escaped.txt', '\\\\server\\share\\escaped.txt']) {
    it(`refuses an archive entry '${entryPath}' and writes nothing outside the working copy`, async () => {
      const storagePath = workspace.folder('berth-storage-');
      const hash = `sha256:${'cd'.repeat(32)}`;
      mkdirSync(path.join(storagePath, 'artifacts'));
      writeFileSync(artifactPath(storagePath, hash), craftTarGz([{ path: entryPath, type: 'File', content: 'escaped' }]));
      const target = path.join(storagePath, 'slots', 'acme', 'qa-1');
      await assert.rejects(extractSnapshot({ contentHash: hash, storagePath, target }), { code: 'PATH_NOT_ALLOWED' });
      assert.deepEqual(readdirSync(target), []);
      assert.equal(existsSync(path.join(storagePath, 'escaped.txt')), false);
      assert.equal(existsSync(path.join(storagePath, 'slots', 'escaped.txt')), false);
    });
  }

  it('refuses a working copy outside the storage path that only differs by a longer name', async () => {
    const storagePath = workspace.folder('berth-storage-');
    const sources = workspace.folder();
    writeFileSync(path.join(sources, 'index.js'), 'x\n');
    const info = await captureSnapshot({ directory: sources, storagePath, sourceRoots: [sources], snapshots: memorySnapshots() });
    await assert.rejects(extractSnapshot({ contentHash: info.contentHash, storagePath, target: `${storagePath}-other\\qa` }), { code: 'PATH_NOT_ALLOWED' });
  });
});
