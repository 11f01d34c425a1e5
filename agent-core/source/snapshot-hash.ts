import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { BerthError } from '../protocol';
import type { SnapshotTree, TreeEntry } from './snapshot-tree';

const CHUNK_BYTES = 1024 * 1024;
// Small files dominate a source tree; reading several at once hides the latency of each open.
const CONCURRENT_FILES = 8;

const TYPE_LETTER = { file: 'f', directory: 'd', symlink: 'l' } as const;

/**
 * The content hash of a tree: sha256 over one record per entry, in path order, of its type, mode,
 * size, the sha256 of its bytes (or a link's target) and its path, NUL-separated (no path holds a
 * NUL). File times and the order on disk do not enter it.
 */
export class TreeHasher {
  private readonly hash: Hash = createHash('sha256');

  add(entry: TreeEntry, contentDigest: string | null): void {
    const content = entry.type === 'symlink' ? (entry.linkTarget ?? '') : (contentDigest ?? '');
    const fields = [TYPE_LETTER[entry.type], entry.mode.toString(8), String(entry.size), content, entry.path];
    this.hash.update(`${fields.join('\0')}\0`, 'utf8');
  }

  digest(): string {
    return `sha256:${this.hash.digest('hex')}`;
  }
}

/** Hashes the files of `tree` as they are on disk now. */
export async function hashTree(tree: SnapshotTree, signal?: AbortSignal): Promise<string> {
  const digests = new Array<string | null>(tree.entries.length).fill(null);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tree.entries.length) {
      const index = next++;
      const entry = tree.entries[index];
      if (entry.type !== 'file') continue;
      signal?.throwIfAborted();
      const hash = createHash('sha256');
      for await (const chunk of readFileChunks(tree.root, entry)) hash.update(chunk);
      digests[index] = hash.digest('hex');
    }
  };
  await Promise.all(Array.from({ length: CONCURRENT_FILES }, worker));
  const hasher = new TreeHasher();
  tree.entries.forEach((entry, index) => hasher.add(entry, digests[index]));
  return hasher.digest();
}

/**
 * The bytes of a file entry in chunks, refusing a file whose size is no longer the one scanned: the
 * snapshot records that size before the bytes, so a file that changes mid-capture cannot go in.
 * Each read asks for one byte more than should remain, so that a small file takes a single read
 * that also shows it has not grown.
 */
export async function* readFileChunks(root: string, entry: TreeEntry): AsyncGenerator<Buffer> {
  const handle = await open(path.join(root, entry.path), 'r');
  try {
    let remaining = entry.size;
    for (;;) {
      const wanted = Math.min(CHUNK_BYTES, remaining + 1);
      const buffer = Buffer.allocUnsafe(wanted);
      const { bytesRead } = await handle.read(buffer, 0, wanted, null);
      if (bytesRead > remaining || (bytesRead === 0 && remaining > 0)) throw changedWhileCapturing(entry);
      if (bytesRead > 0) yield bytesRead === wanted ? buffer : buffer.subarray(0, bytesRead);
      remaining -= bytesRead;
      // A regular file reads short only at its end.
      if (remaining === 0 && bytesRead < wanted) return;
    }
  } finally {
    await handle.close();
  }
}

function changedWhileCapturing(entry: TreeEntry): BerthError {
  return new BerthError('SOURCE_FAILED', `'${entry.path}' changed while the snapshot was being taken; try again`);
}
