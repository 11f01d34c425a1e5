// A process's resident memory from /proc (Linux), and the agent's own process found under the one a
// bench launched (which may be a D-Bus session wrapping it).
import { readdirSync, readFileSync } from 'node:fs';

/** VmRSS of `pid` in bytes. */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** CPU time (user + system) `pid` has used so far, in ms; Linux counts it in ticks of 10 ms. */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat (utime, stime), counted from the state field, which is field 3.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function parentOf(pid: number): number | null {
  try {
    // The command name (field 2) may hold spaces and parentheses: the fields after its last ')' are fixed.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/** The `node …/berth-agent.js run …` process that is `root` or one of its descendants (not a wrapper whose arguments name it). */
export function agentPid(root: number): number {
  const pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  const isUnder = (pid: number): boolean => {
    for (let current: number | null = pid; current !== null && current > 1; current = parentOf(current)) if (current === root) return true;
    return false;
  };
  const found = pids.find((pid) => {
    const args = commandLine(pid);
    return args[1]?.endsWith('berth-agent.js') === true && args[2] === 'run' && isUnder(pid);
  });
  if (found === undefined) throw new Error(`no berth-agent run process under ${root}`);
  return found;
}

/** Samples a process's RSS every `everyMs` until stop(), which returns the highest seen. */
export class RssSampler {
  private peak: number;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number, everyMs: number) {
    this.peak = rssOf(pid);
    this.timer = setInterval(() => {
      try {
        this.peak = Math.max(this.peak, rssOf(this.pid));
      } catch {
        // The process ended; the peak so far stands.
      }
    }, everyMs);
  }

  stop(): number {
    clearInterval(this.timer);
    try {
      this.peak = Math.max(this.peak, rssOf(this.pid));
    } catch {
      // Ended.
    }
    return this.peak;
  }
}
