import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { BerthError, formatDuration } from '../protocol';
import { DEFAULT_KILL_TIMEOUT_MS } from './kill-tree-options';
import { readMarkedProcesses, type MarkedProcess } from './marked-processes';
import { endMarkJobs } from './process-jobs';

export { PROCESS_MARK_VARIABLE } from './marked-processes';
import { pollUntil } from './poll-until';
import { processStartTime } from './process-identity';

/**
 * This installation's part of every mark: a hash of its storage folder, which no two installations
 * share and which a restarted agent has again, so it can find the orphans of the one that crashed.
 */
export function installationMark(storagePath: string): string {
  return createHash('sha256').update(resolve(storagePath)).digest('hex').slice(0, 12);
}

/**
 * The mark of one instance: installation, deployment and working copy. The copy is part of it
 * because the same deployment may run on both colors for a moment (a restart brings it up on the
 * idle color while the old one drains), and stopping one must not end the other.
 */
export function processMark(storagePath: string, deploymentId: string, copy: string): string {
  return `${installationMark(storagePath)}.${deploymentId}.${copy}`;
}

/** Which marks a sweep ends: exactly one instance's, or every one of an installation. */
export type MarkSelector = { mark: string } | { installation: string };

export function selects(selector: MarkSelector, mark: string): boolean {
  return 'mark' in selector ? mark === selector.mark : mark.startsWith(`${selector.installation}.`);
}

// A marked process that keeps forking while it is being frozen gets this many passes.
const MAX_FREEZE_ROUNDS = 10;

/**
 * SIGKILLs every process whose environment carries a selected mark, and resolves once they are
 * gone; the number ended. Meant after the graceful stop of a tree: what is left is what escaped it.
 * Never touches a process without the mark, nor the agent itself. Found processes are stopped
 * first and the table read again, so none can fork an unseen child between the read and the kill.
 * Windows has no environment of another process to read (see README): there the selected marks'
 * Job Objects are terminated instead, which this agent holds; a crashed agent's jobs ended with it.
 */
export async function endMarkedProcesses(selector: MarkSelector, timeoutMs = DEFAULT_KILL_TIMEOUT_MS): Promise<number> {
  if (process.platform === 'win32') return endMarkJobs((mark) => selects(selector, mark), timeoutMs);
  const targets = new Map<number, MarkedProcess>();
  for (let round = 0; round < MAX_FREEZE_ROUNDS; round++) {
    const found = (await readMarkedProcesses()).filter(
      (entry) => entry.pid !== process.pid && !targets.has(entry.pid) && selects(selector, entry.mark),
    );
    if (found.length === 0) break;
    for (const entry of found) {
      targets.set(entry.pid, entry);
      signal(entry.pid, 'SIGSTOP');
    }
  }
  for (const pid of targets.keys()) signal(pid, 'SIGKILL');
  const remaining = async () => {
    const alive: number[] = [];
    for (const entry of targets.values()) {
      const now = await processStartTime(entry.pid);
      if (now !== null && (entry.startTime === null || now === entry.startTime)) alive.push(entry.pid);
    }
    return alive;
  };
  if (!(await pollUntil(async () => (await remaining()).length === 0, timeoutMs))) {
    throw new BerthError(
      'INTERNAL',
      `marked processes ${(await remaining()).join(', ')} were still running ${formatDuration(timeoutMs)} after SIGKILL; end them with kill -9`,
    );
  }
  return targets.size;
}

/** Ends the marked processes of one instance; nothing when there is no mark. */
export function endProcessesMarked(mark: string | undefined): Promise<number> {
  return mark === undefined || mark === '' ? Promise.resolve(0) : endMarkedProcesses({ mark });
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone, or not ours to signal.
  }
}
