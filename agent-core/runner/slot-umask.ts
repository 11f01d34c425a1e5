import { isMainThread } from 'node:worker_threads';

/** What the agent's own files are created with on Linux and macOS: readable and writable by its user only. */
export const AGENT_UMASK = 0o077;

let slotUmask: number | null = null;

/**
 * Makes every file and folder the agent creates from now on private to its user (umask 077), and
 * remembers the umask the agent started with for the slots' processes: what a slot's commands
 * create (a build, an upload, a file served by another program) keeps the modes it had before
 * Berth tightened its own. Only a process's main thread may change its umask; elsewhere (a test
 * running the agent in a worker) nothing changes and explicit modes still apply.
 */
export function adoptAgentUmask(): void {
  if (process.platform === 'win32' || !isMainThread || slotUmask !== null) return;
  slotUmask = process.umask(AGENT_UMASK);
}

/**
 * Runs `spawn` (which must start its process synchronously, as node-pty's does) under the umask the
 * agent started with, then puts the agent's back.
 */
export function withSlotUmask<T>(spawn: () => T): T {
  if (slotUmask === null || !isMainThread) return spawn();
  const agent = process.umask(slotUmask);
  try {
    return spawn();
  } finally {
    process.umask(agent);
  }
}
