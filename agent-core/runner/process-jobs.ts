import { markJobsWin32 } from './mark-jobs.win32';

/**
 * Puts a process the runner just started in its mark's Job Object (Windows; see mark-jobs.win32.ts).
 * Elsewhere, and for a process without a mark, it does nothing. Returns why the process could not
 * join, for the command's output: it then runs as before, ended by its tree and its console only.
 */
export function joinMarkJob(mark: string | undefined, pid: number): string | undefined {
  if (process.platform !== 'win32' || mark === undefined || mark === '') return undefined;
  try {
    markJobsWin32().assign(mark, pid);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Ends the Job Objects of the selected marks and what is in them (Windows); 0 elsewhere. */
export function endMarkJobs(selected: (mark: string) => boolean, timeoutMs: number): Promise<number> {
  if (process.platform !== 'win32') return Promise.resolve(0);
  return markJobsWin32().end(selected, timeoutMs);
}
