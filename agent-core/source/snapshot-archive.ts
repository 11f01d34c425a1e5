import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { HeaderData } from 'tar';
import { BerthError } from '../protocol';
import { readFileChunks, TreeHasher } from './snapshot-hash';
import type { SnapshotTree, TreeEntry } from './snapshot-tree';

const BLOCK = 512;
// Fixed, so that the same tree always gives the same archive; extraction stamps files with the current time instead.
const ARCHIVE_MTIME = new Date(0);
// zlib runs each write on the thread pool: batching headers and small files keeps that count low.
const BATCH_BYTES = 1024 * 1024;

const HEX_HASH = /^sha256:([0-9a-f]{64})$/;

/** `{storagePath}/artifacts/{sha256}.tar.gz` for a content hash. */
export function artifactPath(storagePath: string, contentHash: string): string {
  const hex = HEX_HASH.exec(contentHash)?.[1];
  if (hex === undefined) throw new BerthError('INVALID_PAYLOAD', `'${contentHash}' is not a content hash (sha256: and 64 hex digits)`);
  return path.join(storagePath, 'artifacts', `${hex}.tar.gz`);
}

/**
 * Writes `tree` as a gzipped tar with portable headers (no owners, fixed time, normalized modes)
 * to `archivePath`, and returns the content hash of exactly the bytes it archived.
 */
export async function writeArchive(tree: SnapshotTree, archivePath: string, signal?: AbortSignal): Promise<string> {
  // Loaded on first use: only directory deployments archive, and an idle agent need not hold tar.
  const tar = await import('tar');
  const hasher = new TreeHasher();
  async function* blocks(): AsyncGenerator<Buffer> {
    const batch = new Batch();
    for (const entry of tree.entries) {
      signal?.throwIfAborted();
      batch.add(headerBlocks(tar, entry));
      let digest: string | null = null;
      if (entry.type === 'file') {
        const hash = createHash('sha256');
        for await (const chunk of readFileChunks(tree.root, entry)) {
          hash.update(chunk);
          batch.add(chunk);
          if (batch.full) yield batch.take();
        }
        digest = hash.digest('hex');
        batch.add(Buffer.alloc((BLOCK - (entry.size % BLOCK)) % BLOCK));
      }
      hasher.add(entry, digest);
      if (batch.full) yield batch.take();
    }
    batch.add(Buffer.alloc(BLOCK * 2));
    yield batch.take();
  }
  await pipeline(Readable.from(blocks()), createGzip(), createWriteStream(archivePath), { signal });
  return hasher.digest();
}

/** The tar header of one entry, preceded by a pax header when its path or target does not fit ustar. */
function headerBlocks({ Header, Pax }: typeof import('tar'), entry: TreeEntry): Buffer {
  const data: HeaderData = {
    path: entry.type === 'directory' ? `${entry.path}/` : entry.path,
    mode: entry.mode,
    uid: 0,
    gid: 0,
    size: entry.type === 'file' ? entry.size : 0,
    mtime: ARCHIVE_MTIME,
    type: entry.type === 'file' ? 'File' : entry.type === 'directory' ? 'Directory' : 'SymbolicLink',
    linkpath: entry.linkTarget ?? '',
    uname: '',
    gname: '',
  };
  const block = Buffer.alloc(BLOCK);
  const header = new Header(data);
  header.encode(block);
  if (!header.needPax) return block;
  const pax = new Pax({ path: data.path, linkpath: entry.linkTarget }).encode();
  return Buffer.concat([pax, block]);
}

class Batch {
  private parts: Buffer[] = [];
  private size = 0;

  get full(): boolean {
    return this.size >= BATCH_BYTES;
  }

  add(part: Buffer): void {
    this.parts.push(part);
    this.size += part.length;
  }

  take(): Buffer {
    const joined = Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    return joined;
  }
}
