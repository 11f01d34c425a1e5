/**
 * Directory snapshots: capture of a generated tree of 10,000 files (about 200 MB: word-like text,
 * and one file in ten of random bytes; about 2:1 under gzip) into a fresh storage folder, beside
 * `tar czf` of the same tree (both gzip level 6, both reading from a warm page cache); then the
 * re-capture of the unchanged tree, which hashes it and finds the archive already there.
 *
 * Run: npx tsx bench/snapshot.bench.ts [files] [megabytes]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureSnapshot } from '../agent-core/source';
import { openStore } from '../agent-core/store';
import { makeTempDir } from '../test/fixtures/temp-dir';

const fileCount = Number(process.argv[2] ?? 10_000);
const totalBytes = Number(process.argv[3] ?? 200) * 1_000_000;

// A fixed seed: every run archives the same tree.
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generateTree(root: string): number {
  const random = prng(42);
  const words = Array.from({ length: 4096 }, () => Math.floor(random() * 1e9).toString(36));
  let text = '';
  while (text.length < 4_000_000) text += `${words[Math.floor(random() * words.length)]}${random() < 0.1 ? '\n' : ' '}`;
  const noise = Buffer.alloc(4_000_000);
  for (let offset = 0; offset < noise.length; offset += 4) noise.writeUInt32LE(Math.floor(random() * 4294967296), offset);
  const average = totalBytes / fileCount;
  let written = 0;
  for (let index = 0; index < fileCount; index++) {
    const folder = join(root, `module-${Math.floor(index / 100)}`, `part-${Math.floor(index / 10) % 10}`);
    if (index % 10 === 0) mkdirSync(folder, { recursive: true });
    const size = Math.max(16, Math.floor(average * 2 * random()));
    const start = Math.floor(random() * (noise.length - size));
    const content = index % 10 === 9 ? noise.subarray(start, start + size) : Buffer.from(text.slice(start, start + size), 'utf8');
    writeFileSync(join(folder, `file-${index}.${index % 10 === 9 ? 'bin' : 'js'}`), content);
    written += content.length;
  }
  return written;
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

async function main(): Promise<void> {
  const temp = makeTempDir('berth-bench-snapshot-');
  const store = openStore(join(temp.path, 'storage'));
  try {
    const sources = join(temp.path, 'sources');
    const tree = join(sources, 'app');
    const generated = generateTree(tree);
    const snapshots = store.snapshots;
    const request = { directory: tree, storagePath: join(temp.path, 'storage'), sourceRoots: [sources], snapshots };

    let started = performance.now();
    let hashedAfter = 0;
    const captured = await captureSnapshot({
      ...request,
      // The first progress event comes once the tree is scanned and hashed, as archiving starts.
      onProgress: () => (hashedAfter ||= seconds(started)),
    });
    const captureSeconds = seconds(started);

    const tarball = join(temp.path, 'tar-czf.tar.gz');
    started = performance.now();
    const tar = spawnSync('tar', ['czf', tarball, '-C', tree, '.'], { stdio: 'inherit' });
    const tarSeconds = seconds(started);
    if (tar.status !== 0) throw new Error(`tar czf exited with ${tar.status}`);

    started = performance.now();
    const again = await captureSnapshot(request);
    const recaptureSeconds = seconds(started);

    const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
    console.log(
      `snapshot capture: ${captured.fileCount} files, ${mb(generated)} MB in ${captureSeconds.toFixed(2)} s` +
        ` (scan + hash ${hashedAfter.toFixed(2)} s, archive ${(captureSeconds - hashedAfter).toFixed(2)} s;` +
        ` ${mb(statSync(captured.archivePath).size)} MB)` +
        ` | tar czf: ${tarSeconds.toFixed(2)} s (${mb(statSync(tarball).size)} MB)` +
        ` | ratio ${(captureSeconds / tarSeconds).toFixed(2)}x`,
    );
    console.log(
      `re-capture of the unchanged tree: ${recaptureSeconds.toFixed(2)} s (${again.reused ? 'reused' : 'ARCHIVED AGAIN'},` +
        ` ${(captureSeconds / recaptureSeconds).toFixed(1)}x faster than the first capture)`,
    );
  } finally {
    store.close();
    temp.cleanup();
  }
}

await main();
