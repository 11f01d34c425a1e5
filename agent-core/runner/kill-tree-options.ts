/** A process remembered by pid and start time, so that a later process given the same pid is left alone. */
export interface TrackedProcess {
  pid: number;
  startTime: string | null;
}

export interface KillTreeOptions {
  /** How long to wait for every process to be gone before giving up with an error; 10 s by default. */
  timeoutMs?: number;
  /** Processes seen in the tree earlier that may since have left it (their parent exited and they were reparented). */
  also?: readonly TrackedProcess[];
  /** The root has exited already: where pids are reused quickly (Windows) its pid must not be targeted. */
  rootExited?: boolean;
}

export const DEFAULT_KILL_TIMEOUT_MS = 10_000;
