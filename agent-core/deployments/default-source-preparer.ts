import { join } from 'node:path';
import { BerthError, type SlotSpec } from '../protocol';
import { batchMerge, captureSnapshot, extractSnapshot, prepareGitSource } from '../source';
import type { Store } from '../store';
import type { PreparedSource, PrepareRequest, SourcePreparer } from './source-preparer';

export interface SourcePreparerOptions {
  storagePath: string;
  store: Store;
  sourceRoots(): readonly string[];
}

/** Prepares sources with the source module: git checkout or batch merge, directory snapshots, stored snapshots. */
export function createSourcePreparer(options: SourcePreparerOptions): SourcePreparer {
  const snapshots = options.store.snapshots;
  return {
    async prepare(request: PrepareRequest): Promise<PreparedSource> {
      const { source, workdir, workingCopyFree, signal, onProgress } = request;
      // One object store per repository URL, shared by every slot and color: `{storage}/repos/{hash}.git`.
      const storeRoot = join(options.storagePath, 'repos');
      switch (source.kind) {
        case 'git': {
          const repository = requireRepository(request.spec);
          if (request.batch) {
            const result = await batchMerge({ workdir, repository, storeRoot, starterBranch: request.batch.starterBranch, branches: request.batch.branches, workingCopyFree, signal, onProgress });
            return {
              source: { kind: 'git', branch: result.branch, commit: result.commit },
              contentHash: null,
              commitSubject: result.subject,
              merged: result.merged,
              skipped: result.skipped.map(({ branch, reason, files }) => ({ branch, reason: files.length > 0 ? `${reason} (${files.join(', ')})` : reason })),
            };
          }
          const result = await prepareGitSource({ workdir, repository, storeRoot, branch: source.branch, commit: source.commit, workingCopyFree, signal, onProgress });
          return { source: { kind: 'git', branch: result.branch, commit: result.commit }, contentHash: null, commitSubject: result.subject };
        }
        case 'directory': {
          const snapshot = await captureSnapshot({
            directory: source.path,
            storagePath: options.storagePath,
            sourceRoots: options.sourceRoots(),
            snapshots,
            signal,
            onProgress,
          });
          // The capture reads the folder and writes the store only: it overlaps the old instance's stop.
          await workingCopyFree;
          await extractSnapshot({ contentHash: snapshot.contentHash, storagePath: options.storagePath, target: workdir, signal, onProgress });
          return { source, contentHash: snapshot.contentHash, commitSubject: null };
        }
        case 'snapshot': {
          await workingCopyFree;
          await extractSnapshot({ contentHash: source.contentHash, storagePath: options.storagePath, target: workdir, signal, onProgress });
          return { source, contentHash: source.contentHash, commitSubject: null };
        }
      }
    },
  };
}

function requireRepository(spec: SlotSpec): NonNullable<SlotSpec['repository']> {
  if (!spec.repository) {
    throw new BerthError('SOURCE_FAILED', `slot '${spec.name}' has no repository, so it cannot deploy a git branch; add repository.url to the slot`);
  }
  return spec.repository;
}
