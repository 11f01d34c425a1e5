import { processStartTime, type PtyProcess } from '../runner';
import type { ProcessRepository } from '../store';

/** Records a started process (pid and start time) until it exits, so a crashed agent's orphans can be ended later. */
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
