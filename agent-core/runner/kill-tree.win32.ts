import { execFile } from 'node:child_process';
import { BerthError, formatDuration } from '../protocol';
import { DEFAULT_KILL_TIMEOUT_MS, type KillTreeOptions, type TrackedProcess } from './kill-tree-options';
import { treeMembers, type ProcessEntry } from './kill-tree.posix';
import { pollUntil } from './poll-until';
import { isProcessAlive } from './process-identity';

/** taskkill's exit code when no process has that pid: it is gone already. */
export const TASKKILL_NOT_FOUND = 128;

export function killTreeCommand(pid: number): { file: string; args: string[] } {
  return { file: 'taskkill', args: ['/T', '/F', '/PID', String(pid)] };
}

/** Every process with its parent and creation time, through CIM; PowerShell is on every Windows. */
export const PROCESS_TABLE_POWERSHELL = {
  file: 'powershell.exe',
  args: [
    '-NoProfile',
    '-NonInteractive',
    '-Command',
    "Get-CimInstance Win32_Process | ForEach-Object { '{0} {1} {2}' -f $_.ProcessId, $_.ParentProcessId, $(if ($_.CreationDate) { $_.CreationDate.ToFileTimeUtc() } else { '-' }) }",
  ],
};

/** Where PowerShell is missing (Wine), wmic: pids and parents only. */
export const PROCESS_TABLE_WMIC = { file: 'wmic', args: ['process', 'get', 'ParentProcessId,ProcessId'] };

/**
 * taskkill /T finds a tree by parent pid, so a process whose parent has exited (after Ctrl+C, say)
 * is out of its reach, and one started detached has no console to close: the processes seen in
 * the tree earlier (`also`) that are still the same processes are ended one by one.
 */
export async function killTreeWin32(pid: number, options: KillTreeOptions): Promise<void> {
  const targets: number[] = [];
  let exitCode = 0;
  if (!options.rootExited) {
    exitCode = await taskkill(pid);
    if (exitCode !== TASKKILL_NOT_FOUND) targets.push(pid);
  }
  const also = options.also ?? [];
  if (also.length > 0) {
    // -1: the root itself, if it exited, may have handed its pid on already.
    for (const left of treeMembers(-1, await readProcessTable(), also)) {
      if ((await taskkill(left.pid)) !== TASKKILL_NOT_FOUND) targets.push(left.pid);
    }
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_KILL_TIMEOUT_MS;
  if (!(await pollUntil(() => !targets.some(isProcessAlive), timeoutMs))) {
    throw new BerthError(
      'INTERNAL',
      `processes ${targets.filter(isProcessAlive).join(', ')} of the tree of ${pid} were still running ${formatDuration(timeoutMs)} after taskkill (exit code ${exitCode}); end them in Task Manager`,
    );
  }
}

/** The processes in the tree of `pid` now, each named by pid and creation time (or, from wmic, its parent). */
export async function snapshotTreeWin32(pid: number): Promise<TrackedProcess[]> {
  return treeMembers(pid, await readProcessTable(), []).map(({ pid: member, startTime }) => ({ pid: member, startTime }));
}

export function parsePowerShellTable(text: string): ProcessEntry[] {
  return [...text.matchAll(/^(\d+) (\d+) (\d+|-)\s*$/gm)].map(([, pid, ppid, created]) => ({
    pid: Number(pid),
    ppid: Number(ppid),
    pgid: 0,
    startTime: created === '-' ? null : created,
  }));
}

/**
 * wmic prints its columns in alphabetical order (the order asked for) under a header, which Wine
 * writes without spaces. Without creation times, the parent pid stands in for one: Windows never
 * changes it, so a later process given the same pid is told apart by its parent.
 */
export function parseWmicTable(text: string): ProcessEntry[] {
  const [header = '', ...rows] = text.split(/\r?\n/).map((line) => line.trim());
  if (!/^ParentProcessId\s*ProcessId$/i.test(header)) return [];
  return rows.flatMap((row) => {
    const match = /^(\d+)\s+(\d+)$/.exec(row);
    return match === null ? [] : [{ pid: Number(match[2]), ppid: Number(match[1]), pgid: 0, startTime: `parent ${match[1]}` }];
  });
}

async function readProcessTable(): Promise<ProcessEntry[]> {
  const fromPowerShell = parsePowerShellTable(await output(PROCESS_TABLE_POWERSHELL));
  if (fromPowerShell.length > 0) return fromPowerShell;
  return parseWmicTable(await output(PROCESS_TABLE_WMIC));
}

/** What a program printed, '' when it could not run. */
function output({ file, args }: { file: string; args: string[] }): Promise<string> {
  return new Promise((resolve) => {
    execFile(file, args, { windowsHide: true, timeout: 30_000, encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error !== null) return resolve('');
      resolve(decodeOutput(stdout));
    });
  });
}

/** Text from UTF-8 or, with or without its byte order mark, UTF-16LE (what wmic writes to a pipe). */
export function decodeOutput(bytes: Buffer): string {
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes.length > 1 && bytes[1] === 0);
  return bytes.toString(utf16 ? 'utf16le' : 'utf8').replace(/^\uFEFF/, '');
}

function taskkill(pid: number): Promise<number> {
  const { file, args } = killTreeCommand(pid);
  return new Promise((resolve) => {
    execFile(file, args, { windowsHide: true, timeout: 30_000 }, (error) => {
      resolve(error === null ? 0 : typeof error.code === 'number' ? error.code : 1);
    });
  });
}
