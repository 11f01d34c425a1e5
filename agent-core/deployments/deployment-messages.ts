import { BerthError, formatDuration, type Source } from '../protocol';

/** The progress line for preparing a source. */
export function describeSource(source: Source): string {
  switch (source.kind) {
    case 'git':
      return `checking out ${source.commit ? `commit ${source.commit}` : `branch '${source.branch}'`}`;
    case 'directory':
      return `taking a snapshot of ${source.path}`;
    case 'snapshot':
      return `extracting snapshot ${source.contentHash}`;
  }
}

/** The error of a deployment that ran past template.deployTimeoutMs. */
export function timeoutError(deadlineMs: number): BerthError {
  return new BerthError('COMMAND_FAILED', `the deployment did not finish within ${formatDuration(deadlineMs)} (template.deployTimeoutMs); it was stopped`);
}
