import { processStartTime, type PtyProcess } from '../runner';
import type { ProcessRepository } from '../store';

/**
 * Records a started process (pid and start time) until it exits, so a crashed agent's orphans can
 * be ended later. Never throws: a record the database cannot take (a full disk) only means that
 * this process is not ended for us after a crash, which must not end the agent or the process.
 */
export async function trackProcess(
  processes: ProcessRepository,
  process: PtyProcess,
  slotId: string,
  deploymentId: string,
  onError: (error: unknown) => void = () => undefined,
): Promise<void> {
  try {
    const startTime = await processStartTime(process.pid);
    if (startTime === null) return;
    processes.record({ pid: process.pid, startTime, slotId, deploymentId, label: process.label });
    process.once('exit', () => {
      try {
        processes.remove(process.pid, startTime);
      } catch (error) {
        onError(error);
      }
    });
  } catch (error) {
    onError(error);
  }
}
