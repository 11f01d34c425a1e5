import type { KillTreeOptions, TrackedProcess } from './kill-tree-options';
import { killTreePosix, snapshotTreePosix } from './kill-tree.posix';
import { killTreeWin32, snapshotTreeWin32 } from './kill-tree.win32';

/** Kills `pid` and every process it started, and resolves once they are all gone. */
export function killTree(pid: number, options: KillTreeOptions = {}): Promise<void> {
  return process.platform === 'win32' ? killTreeWin32(pid, options) : killTreePosix(pid, options);
}

/** The processes in `pid`'s tree right now, to pass as `also` to a later killTree. */
export function snapshotTree(pid: number): Promise<TrackedProcess[]> {
  return process.platform === 'win32' ? snapshotTreeWin32(pid) : snapshotTreePosix(pid);
}
