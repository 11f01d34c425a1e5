import type { AgentEvents } from '../events';
import { killTree, processStartTime } from '../runner';
import type { ProcessRepository } from '../store';

/**
 * Ends the processes a crashed agent left running, so a restored slot never collides with its own
 * orphan on a port or a file lock. A pid is ended only while its start time still matches the one
 * recorded: the OS may have given the pid to an unrelated process since.
 */
export async function endOrphans(processes: ProcessRepository, events: AgentEvents): Promise<number> {
  let ended = 0;
  for (const record of processes.list()) {
    const startTime = await processStartTime(record.pid);
    if (startTime === record.startTime) {
      events.warn(`ending '${record.label}' (pid ${record.pid}), left running by an earlier agent`, record.slotId);
      await killTree(record.pid);
      ended += 1;
    }
    processes.remove(record.pid, record.startTime);
  }
  return ended;
}
