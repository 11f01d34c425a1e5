import { statfsSync } from 'node:fs';
import { BerthError, formatBytes } from '../protocol';

/** The free-space floor when settings do not name one: 1 GB, or 5 % of a smaller disk. */
export const DEFAULT_FLOOR_BYTES = 1024 ** 3;
export const DEFAULT_FLOOR_SHARE = 0.05;

export interface DiskUsage {
  /** Bytes the agent's user may still write. */
  freeBytes: number;
  totalBytes: number;
}

export function diskUsage(path: string): DiskUsage {
  const stats = statfsSync(path);
  return { freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
}

export function defaultFloorBytes(totalBytes: number): number {
  return Math.min(DEFAULT_FLOOR_BYTES, Math.floor(totalBytes * DEFAULT_FLOOR_SHARE));
}

// What Node (ENOSPC, EDQUOT), SQLite (SQLITE_FULL) and tools such as git say when a disk is full.
const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);
const FULL_TEXT = /ENOSPC|No space left on device|database or disk is full|Disk quota exceeded|There is not enough space on the disk/i;

// Errors of the agent's own work (git, snapshots) whose text may carry a tool's "no space" message.
// A slot's own command failing for want of space (COMMAND_FAILED) may be about another disk (its
// /tmp, say): its last lines tell the person, and a storage disk that did fill is caught by the log.
const OWN_WORK_CODES = new Set(['SOURCE_FAILED', 'INTERNAL']);

/** True when `error` (or, for a tool that only prints, its message) says the disk is full. */
export function isDiskFull(error: unknown): boolean {
  if (error instanceof BerthError) return error.code === 'STORAGE_FULL' || (OWN_WORK_CODES.has(error.code) && FULL_TEXT.test(error.message));
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && FULL_CODES.has(code)) return true;
  return error instanceof Error && FULL_TEXT.test(error.message);
}

/** The error a person sees when a write failed for want of space. */
export function storageFullError(storagePath: string): BerthError {
  let free = '0 bytes';
  try {
    free = formatBytes(diskUsage(storagePath).freeBytes);
  } catch {
    // The folder cannot even be asked: say so without a figure.
    free = 'no space';
  }
  return new BerthError('STORAGE_FULL', `the storage disk is full: ${free} free at ${storagePath}; free space or move the storage folder`);
}

/** `error` as the storage-full error when it is one, else unchanged. */
export function asStorageError(error: unknown, storagePath: string): unknown {
  if (error instanceof BerthError && error.code === 'STORAGE_FULL') return error;
  return isDiskFull(error) ? storageFullError(storagePath) : error;
}
