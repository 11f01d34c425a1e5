import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface ProcStat {
  state: string;
  ppid: number;
  pgid: number;
  /** Clock ticks since boot: with the pid it names one process, since pids are reused. */
  startTime: string;
}

/** How the start time of `pid` is read on each platform. */
export type StartTimeQuery = { kind: 'proc'; path: string } | { kind: 'exec'; file: string; args: string[] };

export function startTimeQuery(pid: number, platform: NodeJS.Platform): StartTimeQuery {
  if (platform === 'linux') return { kind: 'proc', path: `/proc/${pid}/stat` };
  if (platform === 'win32') {
    return {
      kind: 'exec',
      file: 'powershell.exe',
      args: ['-NoProfile', '-NonInteractive', '-Command', `(Get-Process -Id ${pid} -ErrorAction Stop).StartTime.ToFileTimeUtc()`],
    };
  }
  return { kind: 'exec', file: 'ps', args: ['-o', 'stat=,lstart=', '-p', String(pid)] };
}

/**
 * A string that stays the same for the life of process `pid` and differs for a later process
 * given the same pid, or null when no such process is running (a zombie is not running). An
 * agent that crashed ends its orphans only where pid and start time both still match.
 */
export async function processStartTime(pid: number, platform: NodeJS.Platform = process.platform): Promise<string | null> {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const query = startTimeQuery(pid, platform);
  if (query.kind === 'proc') {
    const stat = parseProcStat(await readFile(query.path, 'utf8').catch(() => ''));
    return stat === null || stat.state === 'Z' ? null : stat.startTime;
  }
  const output = await run(query.file, query.args);
  if (output === null) return null;
  if (platform === 'win32') return /^\d+$/.test(output) ? output : null;
  const match = /^(\S+)\s+(.+)$/.exec(output);
  return match === null || match[1].startsWith('Z') ? null : match[2];
}

/** Parses /proc/<pid>/stat; the command name in parentheses may itself hold spaces and parentheses. */
export function parseProcStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const fields = text.slice(close + 2).trim().split(/\s+/);
  // Fields after the name start at field 3 (state); field 22 is starttime.
  if (fields.length < 20) return null;
  return { state: fields[0], ppid: Number(fields[1]), pgid: Number(fields[2]), startTime: fields[19] };
}

function run(file: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 15_000, windowsHide: true }, (error, stdout) => {
      resolve(error ? null : stdout.toString().trim() || null);
    });
  });
}

/** Whether a process with this pid exists (one owned by another user counts). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
