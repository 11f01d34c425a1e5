import { statfs } from 'node:fs/promises';
import type { SlotStatus } from '../protocol';
import type { CommandResult } from '../protocol/control-plane';

/** Bytes the agent's user may still write on the storage path's file system. */
export async function freeBytes(path: string): Promise<number> {
  const stats = await statfs(path);
  return stats.bavail * stats.bsize;
}

/** The `host.status` command's result. */
export async function hostStatus(version: string, slots: SlotStatus[], storagePath: string): Promise<CommandResult<'host.status'>> {
  return { version, slots, storage: { path: storagePath, freeBytes: await freeBytes(storagePath) } };
}
