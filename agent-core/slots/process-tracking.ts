import { processStartTime, type PtyProcess } from '../runner';
import type { ProcessRepository } from '../store';

/**
 * Records a started process (pid and start time) until it exits, so a crashed agent's orphans can
 * be ended later. The caller runs it under a guard: a record the database cannot take (a full disk)
 * only means this process is not ended for us after a crash, which must not end the agent or the process.
 */
export async function trackProcess(
  processes: ProcessRepository,
  process: PtyProcess,
  slotId: string,
  deploymentId: string,
  guard: (what: string, work: () => unknown) => void,
): Promise<void> {
  const startTime = await processStartTime(process.pid);
  if (startTime === null) return;
  processes.record({ pid: process.pid, startTime, slotId, deploymentId, label: process.label });
  process.once('exit', () => guard(`forgetting process ${process.pid}`, () => processes.remove(process.pid, startTime)));
}
