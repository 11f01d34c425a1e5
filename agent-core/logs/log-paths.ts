import { join } from 'node:path';
import { BerthError, pathSegmentProblem } from '../protocol';

/** `{storagePath}/logs/{slotId}`: the folder holding every deployment log of one slot. */
export function slotLogDir(storagePath: string, slotId: string): string {
  return join(storagePath, 'logs', segment('slot id', slotId));
}

/** `{storagePath}/logs/{slotId}/{deploymentId}.log`: the full, redacted output of one deployment. */
export function deploymentLogPath(storagePath: string, slotId: string, deploymentId: string): string {
  return join(slotLogDir(storagePath, slotId), `${segment('deployment id', deploymentId)}.log`);
}

// Ids come from the server; only a valid single path segment may become part of a file name.
function segment(what: string, name: string): string {
  const problem = pathSegmentProblem(name);
  if (problem !== null) throw new BerthError('INVALID_PAYLOAD', `${what} '${name}' cannot name a log file: it ${problem}`);
  return name;
}
