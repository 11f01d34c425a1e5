import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface PruneOptions {
  /** Deployment ids whose logs stay (the newest ones plus the last failed one). */
  keep: readonly string[];
}

// `{id}.log`, and `{id}.log.tmp` left by a compaction that was interrupted.
const LOG_FILE = /^(.+)\.log(\.tmp)?$/;

/** Removes every deployment log in a slot's log folder whose deployment id is not kept; returns the removed ids. */
export async function pruneLogs(slotLogDir: string, { keep }: PruneOptions): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(slotLogDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const kept = new Set(keep);
  const removed = new Set<string>();
  for (const name of names) {
    const match = LOG_FILE.exec(name);
    if (match === null || kept.has(match[1])) continue;
    await rm(join(slotLogDir, name), { force: true });
    removed.add(match[1]);
  }
  return [...removed];
}
