import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { BerthError, formatBytes } from '../protocol';
import type { SnapshotRecord } from '../store/snapshot-repository';
import { artifactPath, writeArchive } from './snapshot-archive';
import { hashTree } from './snapshot-hash';
import { DEFAULT_SNAPSHOT_LIMITS, scanTree, type SnapshotLimits, type SnapshotTree } from './snapshot-tree';
import { resolveAllowedDirectory } from './source-roots';
import type { SourceProgressListener } from './source-progress';

export type SnapshotInfo = SnapshotRecord;

/** Where snapshot records are kept: the store's SnapshotRepository. */
export interface SnapshotStore {
  get(contentHash: string): SnapshotRecord | null;
  upsert(record: SnapshotRecord): void;
}

export interface CaptureRequest {
  directory: string;
  storagePath: string;
  /** The host's configured source roots; `directory` must lie under one. */
  sourceRoots: readonly string[];
  snapshots: SnapshotStore;
  limits?: Partial<SnapshotLimits>;
  signal?: AbortSignal;
  onProgress?: SourceProgressListener;
}

export interface CaptureResult extends SnapshotInfo {
  /** True when the host already held this content, so nothing was archived. */
  reused: boolean;
}

/**
 * Captures a directory into `artifacts/{sha256}.tar.gz` and records it. The tree is hashed first:
 * content the host already holds is not archived again.
 */
export async function captureSnapshot(request: CaptureRequest): Promise<CaptureResult> {
  const { storagePath, snapshots, signal, onProgress } = request;
  const root = await resolveAllowedDirectory(request.directory, request.sourceRoots);
  return readingDirectory(root, signal, async () => {
    const tree = await scanTree(root, { ...DEFAULT_SNAPSHOT_LIMITS, ...request.limits });
    const contentHash = await hashTree(tree, signal);
    const archivePath = artifactPath(storagePath, contentHash);
    const known = snapshots.get(contentHash);
    const record: SnapshotRecord = {
      contentHash,
      archivePath,
      fileCount: tree.fileCount,
      sizeBytes: tree.sizeBytes,
      sourcePath: root,
      createdAt: known?.createdAt ?? new Date().toISOString(),
    };
    const reused = existsSync(archivePath);
    if (!reused) {
      onProgress?.({ step: 'snapshot', message: `archiving ${tree.fileCount} files (${formatBytes(tree.sizeBytes)}) from ${root}` });
      await archiveOnce(tree, archivePath, contentHash, signal);
    }
    snapshots.upsert(record);
    const what = reused ? 'unchanged, reusing snapshot' : 'captured snapshot';
    onProgress?.({ step: 'snapshot', message: `${what} ${contentHash.slice(0, 19)}… (${tree.fileCount} files)` });
    return { ...record, reused };
  });
}

// Written beside its final name and renamed only once complete and on disk, so an archive under
// its hash is always whole; a tree that changed since it was hashed is refused, not misfiled.
async function archiveOnce(
  tree: SnapshotTree,
  archivePath: string,
  contentHash: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  await mkdir(path.dirname(archivePath), { recursive: true });
  const partial = `${archivePath}.${randomBytes(6).toString('hex')}.partial`;
  try {
    const archived = await writeArchive(tree, partial, signal);
    if (archived !== contentHash) {
      throw new BerthError('SOURCE_FAILED', `'${tree.root}' changed while the snapshot was being taken; try again`);
    }
    const handle = await open(partial, 'r+');
    await handle.sync().finally(() => handle.close());
    await rename(partial, archivePath);
  } finally {
    await rm(partial, { force: true });
  }
}

async function readingDirectory<T>(root: string, signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BerthError) throw error;
    if (signal?.aborted) throw new BerthError('CANCELLED', `the snapshot of '${root}' was cancelled`);
    const reason = error instanceof Error ? error.message : String(error);
    throw new BerthError('SOURCE_FAILED', `could not take a snapshot of '${root}': ${reason}`);
  }
}
