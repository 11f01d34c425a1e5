import type { AgentEvents } from '../events';
import { endMarkedProcesses, installationMark, killTree, processStartTime } from '../runner';
import type { ProcessRepository } from '../store';

/**
 * Ends the processes a crashed agent left running, so a restored slot never collides with its own
 * orphan on a port or a file lock. A pid is ended only while its start time still matches the one
 * recorded: the OS may have given the pid to an unrelated process since. Then every process that
 * still carries a mark of this installation (its storage folder) ends too: the daemons that left
 * their tree, which no pid record names. Another installation's marks and unmarked processes stay.
 */
export async function endOrphans(processes: ProcessRepository, events: AgentEvents, storagePath: string): Promise<number> {
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
  const marked = await endMarkedProcesses({ installation: installationMark(storagePath) });
  if (marked > 0) events.warn(`ended ${marked} process(es) that an earlier agent's slots left running outside their process trees`);
  return ended + marked;
}
