import { execFile } from 'node:child_process';
import { BerthError } from '../protocol';
import { formatDuration } from './format-duration';
import { DEFAULT_KILL_TIMEOUT_MS, type KillTreeOptions } from './kill-tree-options';
import { pollUntil } from './poll-until';

/** taskkill's exit code when no process has that pid: it is gone already. */
export const TASKKILL_NOT_FOUND = 128;

export function killTreeCommand(pid: number): { file: string; args: string[] } {
  return { file: 'taskkill', args: ['/T', '/F', '/PID', String(pid)] };
}

export async function killTreeWin32(pid: number, options: KillTreeOptions): Promise<void> {
  if (options.rootExited) return;
  const { file, args } = killTreeCommand(pid);
  const exitCode = await new Promise<number>((resolve) => {
    execFile(file, args, { windowsHide: true, timeout: 30_000 }, (error) => {
      resolve(error === null ? 0 : typeof error.code === 'number' ? error.code : 1);
    });
  });
  if (exitCode === TASKKILL_NOT_FOUND) return;
  const timeoutMs = options.timeoutMs ?? DEFAULT_KILL_TIMEOUT_MS;
  if (!(await pollUntil(() => !isRunning(pid), timeoutMs))) {
    throw new BerthError(
      'INTERNAL',
      `process ${pid} was still running ${formatDuration(timeoutMs)} after taskkill (exit code ${exitCode}); end it in Task Manager`,
    );
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
