import { existsSync } from 'node:fs';
import { mkdir, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ReadEntry } from 'tar';
import { BerthError } from '../protocol';
import { ExtractionGuard } from './extract-guard';
import { isStrictlyWithin, isWithin } from './path-containment';
import { resolvePhysical } from './physical-path';
import { artifactPath } from './snapshot-archive';
import type { SourceProgressListener } from './source-progress';

export interface ExtractRequest {
  contentHash: string;
  storagePath: string;
  /** The working copy to replace; it must lie under the storage path, because it is emptied first. */
  target: string;
  signal?: AbortSignal;
  onProgress?: SourceProgressListener;
}

/**
 * Empties `target` and extracts the snapshot into it. Nothing is ever written outside `target`:
 * an entry that would be (see ExtractionGuard), or a link that leads out of it on disk, fails the
 * extraction and leaves `target` empty.
 */
export async function extractSnapshot(request: ExtractRequest): Promise<{ fileCount: number }> {
  const { contentHash, signal } = request;
  const archive = artifactPath(request.storagePath, contentHash);
  if (!existsSync(archive)) {
    throw new BerthError('NOT_FOUND', `snapshot ${contentHash} is not on this host; deploy its directory again to capture it`);
  }
  const target = await wipeableTarget(request.target, request.storagePath);
  await emptyFolder(target);

  // Loaded on first use: only directory deployments extract, and an idle agent need not hold tar.
  const { extract } = await import('tar');
  const guard = new ExtractionGuard();
  let fileCount = 0;
  try {
    await extract({
      file: archive,
      cwd: target,
      strict: true,
      noMtime: true,
      preserveOwner: false,
      filter: (_path, entry) => {
        const allowed = signal?.aborted !== true && guard.allow(entry as ReadEntry);
        if (allowed && (entry as ReadEntry).type !== 'Directory') fileCount += 1;
        return allowed;
      },
    });
    if (signal?.aborted) throw new BerthError('CANCELLED', `extracting snapshot ${contentHash} was cancelled`);
    if (guard.problem === null) guard.problem = await linkLeavingTarget(target, guard.symlinks);
  } catch (error) {
    await emptyFolder(target);
    if (error instanceof BerthError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new BerthError('SOURCE_FAILED', `snapshot ${contentHash} could not be extracted into '${target}': ${reason}`);
  }
  if (guard.problem !== null) {
    await emptyFolder(target);
    throw new BerthError('PATH_NOT_ALLOWED', `refusing to extract snapshot ${contentHash}: ${guard.problem}`);
  }
  request.onProgress?.({ step: 'extract', message: `extracted ${fileCount} files from snapshot ${contentHash.slice(0, 19)}…` });
  return { fileCount };
}

/**
 * The real path of `target` once it is known to be a folder Berth may empty: strictly inside the
 * storage path and neither holding nor inside the artifacts.
 */
async function wipeableTarget(target: string, storagePath: string): Promise<string> {
  const storage = await realpath(storagePath);
  const real = await realpathOfNearest(path.resolve(target));
  const artifacts = path.join(storage, 'artifacts');
  if (!isStrictlyWithin(real, storage) || isWithin(real, artifacts) || isWithin(artifacts, real)) {
    throw new BerthError(
      'PATH_NOT_ALLOWED',
      `refusing to empty '${target}' for a snapshot: working copies must lie inside the storage path '${storagePath}'`,
    );
  }
  return real;
}

// The target may not exist yet; its nearest existing folder decides where it really is.
async function realpathOfNearest(target: string): Promise<string> {
  const missing: string[] = [];
  let current = target;
  for (;;) {
    try {
      return path.join(await realpath(current), ...missing.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return target;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

async function emptyFolder(folder: string): Promise<void> {
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
}

/** A problem for the first link that, followed on disk, leads out of `target`; null when none does. */
async function linkLeavingTarget(target: string, links: readonly string[]): Promise<string | null> {
  for (const link of links) {
    const leadsTo = await resolvePhysical(target, link).catch(() => null);
    if (leadsTo === null || !isWithin(leadsTo, target)) return `archive entry '${link}' is a link that leads outside the snapshot`;
  }
  return null;
}
