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
  batch?: { starterBranch: string; branches: string[] };
  signal: AbortSignal;
  onProgress(progress: SourceProgress): void;
}

/** Puts one deployment's code into a working copy: git checkout, batch merge or snapshot extraction. */
export interface SourcePreparer {
  prepare(request: PrepareRequest): Promise<PreparedSource>;
}
