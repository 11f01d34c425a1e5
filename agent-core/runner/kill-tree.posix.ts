import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { BerthError, formatDuration } from '../protocol';
import { DEFAULT_KILL_TIMEOUT_MS, type KillTreeOptions, type TrackedProcess } from './kill-tree-options';
import { parseProcStat, processStartTime } from './process-identity';
import { pollUntil } from './poll-until';

export interface ProcessEntry {
  pid: number;
  ppid: number;
  pgid: number;
  startTime: string | null;
}

/** The process table where there is no /proc (macOS); zombies are left out by their state. */
export const PROCESS_TABLE_COMMAND = { file: 'ps', args: ['-A', '-o', 'pid=,ppid=,pgid=,stat=,lstart='] };

// A tree that keeps forking while it is being frozen gets this many passes before it is killed as found.
const MAX_FREEZE_ROUNDS = 10;

/**
 * node-pty starts each command in its own session, so its process group is its pid: killing the
 * group gets every process that stayed in it, even after the root exited. A descendant that
 * called setsid left the group, so the tree is also walked by parent pid. Everything found is
 * stopped first, then the table is read again, so nothing can fork a new child between the walk
 * and the kill.
 */
export async function killTreePosix(pid: number, options: KillTreeOptions): Promise<void> {
  const targets = new Map<number, string | null>();
  for (let round = 0; round < MAX_FREEZE_ROUNDS; round++) {
    const found = treeMembers(pid, await readProcessTable(), options.also ?? []).filter((entry) => !targets.has(entry.pid));
    if (found.length === 0) break;
    for (const entry of found) {
      targets.set(entry.pid, entry.startTime);
      signal(entry.pid, 'SIGSTOP');
    }
  }
  signal(-pid, 'SIGKILL');
  for (const target of targets.keys()) signal(target, 'SIGKILL');
  const timeoutMs = options.timeoutMs ?? DEFAULT_KILL_TIMEOUT_MS;
  const remaining = async () => {
    const alive: number[] = [];
    for (const [target, startTime] of targets) {
      const now = await processStartTime(target);
      if (now !== null && (startTime === null || now === startTime)) alive.push(target);
    }
    return alive;
  };
  if (!(await pollUntil(async () => (await remaining()).length === 0, timeoutMs))) {
    const alive = await remaining();
    throw new BerthError(
      'INTERNAL',
      `processes ${alive.join(', ')} of the tree of ${pid} were still running ${formatDuration(timeoutMs)} after SIGKILL; end them with kill -9`,
    );
  }
}

export async function snapshotTreePosix(pid: number): Promise<TrackedProcess[]> {
  return treeMembers(pid, await readProcessTable(), []).map(({ pid: member, startTime }) => ({ pid: member, startTime }));
}

/** The root, its process group, the still-matching tracked processes, and every descendant of any of them. */
export function treeMembers(root: number, table: readonly ProcessEntry[], also: readonly TrackedProcess[]): ProcessEntry[] {
  const byPid = new Map(table.map((entry) => [entry.pid, entry]));
  const children = new Map<number, ProcessEntry[]>();
  for (const entry of table) children.set(entry.ppid, [...(children.get(entry.ppid) ?? []), entry]);
  const seeds = table.filter((entry) => entry.pid === root || entry.pgid === root);
  for (const tracked of also) {
    const entry = byPid.get(tracked.pid);
    if (entry !== undefined && (tracked.startTime === null || tracked.startTime === entry.startTime)) seeds.push(entry);
  }
  const members = new Map<number, ProcessEntry>();
  const queue = [...seeds];
  for (let entry = queue.shift(); entry !== undefined; entry = queue.shift()) {
    if (members.has(entry.pid) || entry.pid <= 1 || entry.pid === process.pid) continue;
    members.set(entry.pid, entry);
    queue.push(...(children.get(entry.pid) ?? []));
  }
  return [...members.values()];
}

export function parseProcessTable(text: string): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.+?)\s*$/.exec(line);
    if (match === null || match[4].startsWith('Z')) continue;
    entries.push({ pid: Number(match[1]), ppid: Number(match[2]), pgid: Number(match[3]), startTime: match[5] });
  }
  return entries;
}

async function readProcessTable(): Promise<ProcessEntry[]> {
  if (process.platform === 'linux') return readProcDirectory();
  const { file, args } = PROCESS_TABLE_COMMAND;
  const output = await new Promise<string>((resolve, reject) => {
    execFile(file, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
  return parseProcessTable(output);
}

async function readProcDirectory(): Promise<ProcessEntry[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const entries = await Promise.all(
    pids.map(async (name): Promise<ProcessEntry | null> => {
      const stat = parseProcStat(await readFile(`/proc/${name}/stat`, 'utf8').catch(() => ''));
      if (stat === null || stat.state === 'Z') return null;
      return { pid: Number(name), ppid: stat.ppid, pgid: stat.pgid, startTime: stat.startTime };
    }),
  );
  return entries.filter((entry): entry is ProcessEntry => entry !== null);
}

function signal(target: number, name: NodeJS.Signals): void {
  try {
    process.kill(target, name);
  } catch {
    // Already gone, or never ours to signal: either way there is nothing left to do for it.
  }
}
