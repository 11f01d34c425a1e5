export { prepareGitSource, type GitSourceRequest, type GitSourceResult } from './git-source';
export { batchMerge, type BatchMergeRequest, type BatchMergeResult, type SkippedMerge } from './batch-merge';
export { branchNameProblem } from './git-names';
export { repositoryUrlProblem } from './git-auth';
export {
  captureSnapshot,
  type CaptureRequest,
  type CaptureResult,
  type SnapshotInfo,
  type SnapshotStore,
} from './snapshot-capture';
export { extractSnapshot, type ExtractRequest } from './snapshot-extract';
export { artifactPath } from './snapshot-archive';
export { DEFAULT_SNAPSHOT_LIMITS, type SnapshotLimits } from './snapshot-tree';
export { DEFAULT_IGNORES, IGNORE_FILE } from './ignore-rules';
export { sourceRootProblem } from './source-roots';
export type { SourceProgress, SourceProgressListener } from './source-progress';
