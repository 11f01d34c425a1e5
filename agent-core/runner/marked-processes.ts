import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { parseProcStat } from './process-identity';

/** A running process that carries a mark, with its start time to tell it from a later one on the same pid. */
export interface MarkedProcess {
  pid: number;
  mark: string;
  startTime: string | null;
}

/**
 * The variable every process the agent starts carries, as the GitHub Actions runner sets
 * RUNNER_TRACKING_ID and Jenkins BUILD_ID: children inherit it, so a daemon that double-forked
 * out of its tree (re-parented to init, out of reach of a walk by parent pid) can still be found.
 */
export const PROCESS_MARK_VARIABLE = 'BERTH_PROCESS_MARK';
const VARIABLE = PROCESS_MARK_VARIABLE;

/**
 * macOS has no /proc: `ps -E` prints each process's environment after its command line, for the
 * processes of the agent's own user (the only ones it could have started).
 */
export const PS_ENVIRONMENT_COMMAND = { file: 'ps', args: ['-A', '-E', '-ww', '-o', 'pid=,command='] };

/** Every process (of this user) whose environment holds BERTH_PROCESS_MARK, with the mark. */
export async function readMarkedProcesses(platform: NodeJS.Platform = process.platform): Promise<MarkedProcess[]> {
  if (platform === 'linux') return readProcEnvironments();
  if (platform === 'win32') return [];
  const { file, args } = PS_ENVIRONMENT_COMMAND;
  const output = await new Promise<string>((resolve) => {
    execFile(file, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => resolve(error ? '' : stdout));
  });
  return parsePsEnvironment(output);
}

/** The mark in a NUL-separated /proc/<pid>/environ, or null. */
export function markInEnviron(environ: string): string | null {
  for (const entry of environ.split('\0')) {
    if (entry.startsWith(`${VARIABLE}=`)) return entry.slice(VARIABLE.length + 1) || null;
  }
  return null;
}

/**
 * Lines of `ps -E -o pid=,command=`: the command line, then the environment as NAME=value words.
 * A command line could hold the same text; that process is then the agent's own user's, and ends.
 */
export function parsePsEnvironment(text: string): MarkedProcess[] {
  const found: MarkedProcess[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*(\d+)\s(.*)$/.exec(line);
    const mark = match === null ? null : new RegExp(`(?:^|\\s)${VARIABLE}=(\\S+)`).exec(match[2]!);
    if (match !== null && mark !== null) found.push({ pid: Number(match[1]), mark: mark[1]!, startTime: null });
  }
  return found;
}

async function readProcEnvironments(): Promise<MarkedProcess[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const entries = await Promise.all(
    pids.map(async (name): Promise<MarkedProcess | null> => {
      // Another user's environ cannot be read: it was never started by this agent.
      const mark = markInEnviron(await readFile(`/proc/${name}/environ`, 'latin1').catch(() => ''));
      if (mark === null) return null;
      const stat = parseProcStat(await readFile(`/proc/${name}/stat`, 'utf8').catch(() => ''));
      if (stat === null || stat.state === 'Z') return null;
      return { pid: Number(name), mark, startTime: stat.startTime };
    }),
  );
  return entries.filter((entry): entry is MarkedProcess => entry !== null);
}
