import type { Deployment, SlotSpec, Source } from '../protocol';
import type { SourceProgress } from '../source';

export interface PreparedSource {
  /** The source as resolved: a git source carries its commit. */
  source: Source;
  contentHash: string | null;
  commitSubject: string | null;
  merged?: string[];
  skipped?: NonNullable<Deployment['skipped']>;
}

export interface PrepareRequest {
  spec: SlotSpec;
  source: Source;
  workdir: string;
  /**
   * Settles when the instance that ran in `workdir` has stopped: the preparer may fetch or capture
   * before, but writes into the working copy only after it resolved (it rejects when the stop failed).
   */
  workingCopyFree?: Promise<void>;
  batch?: { starterBranch: string; branches: string[] };
  signal: AbortSignal;
  onProgress(progress: SourceProgress): void;
}

/** Puts one deployment's code into a working copy: git checkout, batch merge or snapshot extraction. */
export interface SourcePreparer {
  prepare(request: PrepareRequest): Promise<PreparedSource>;
}
