import { BerthError, formatDuration } from '../protocol';
import { JobObject, loadKernel32, type Kernel32 } from './job-object.win32';
import { pollUntil } from './poll-until';

/**
 * Windows: one kill-on-close Job Object per process mark, that is per slot instance (installation,
 * deployment, copy), the same unit the Linux sweep ends. Every process the runner starts with a
 * mark joins that mark's job right after it starts; ending the mark's processes terminates and
 * closes the job. Per instance and not per slot: while a blue-green swap drains the old color,
 * the new one runs under the same slot, and retiring the old must not end the new.
 */
export class MarkJobs {
  private readonly jobs = new Map<string, JobObject>();
  private kernel32: Kernel32 | undefined;

  constructor(private readonly load: () => Kernel32) {}

  /** Puts `pid` in the job of `mark`, creating the job on the mark's first process. */
  assign(mark: string, pid: number): 'joined' | 'exited' {
    let job = this.jobs.get(mark);
    if (job === undefined) {
      this.kernel32 ??= this.load();
      job = JobObject.create(this.kernel32);
      this.jobs.set(mark, job);
    }
    return job.assign(pid);
  }

  /** The pids in the job of `mark` now; none when it has no job. */
  processIds(mark: string): number[] {
    return this.jobs.get(mark)?.processIds() ?? [];
  }

  /**
   * Terminates the job of every mark `selected` picks, waits until its processes are gone, and
   * closes it; the number of processes that were in them. A job is closed even when terminating
   * or waiting failed (closing ends its processes too, kill-on-close); the failure is thrown after.
   */
  async end(selected: (mark: string) => boolean, timeoutMs: number): Promise<number> {
    const taken = [...this.jobs].filter(([mark]) => selected(mark));
    for (const [mark] of taken) this.jobs.delete(mark);
    const jobs = taken.map(([, job]) => job);
    try {
      let ended = 0;
      for (const job of jobs) {
        ended += job.processIds().length;
        job.terminate();
      }
      const empty = () => jobs.every((job) => job.processIds().length === 0);
      if (!(await pollUntil(empty, timeoutMs))) {
        const left = jobs.flatMap((job) => job.processIds());
        throw new BerthError(
          'INTERNAL',
          `processes ${left.join(', ')} were still running ${formatDuration(timeoutMs)} after their Job Object was terminated; end them in Task Manager`,
        );
      }
      return ended;
    } finally {
      for (const job of jobs) job.close();
    }
  }
}

let agentJobs: MarkJobs | undefined;

/** The agent's own table of jobs: one per process, held until the agent exits. */
export function markJobsWin32(): MarkJobs {
  agentJobs ??= new MarkJobs(loadKernel32);
  return agentJobs;
}
