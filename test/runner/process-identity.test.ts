import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseProcStat, processStartTime, startTimeQuery } from '../../agent-core/runner/process-identity';
import { waitFor } from '../fixtures/wait';

describe('process identity', () => {
  it('gives a running process a start time that stays the same, and null once it is gone', async () => {
    const child = spawn('sleep', ['1000'], { stdio: 'ignore' });
    const pid = child.pid as number;
    const first = await processStartTime(pid);
    expect(first).not.toBeNull();
    expect(await processStartTime(pid)).toBe(first);
    expect(await processStartTime(process.pid)).not.toBe(first);
    child.kill('SIGKILL');
    await waitFor(async () => (await processStartTime(pid)) === null, 'the killed process to be gone');
  });

  it('has no start time for a pid no process holds', async () => {
    expect(await processStartTime(0)).toBeNull();
    expect(await processStartTime(4_194_304)).toBeNull();
  });

  it('reads a command name holding spaces and parentheses', () => {
    const stat = '4242 (my (odd) app) S 1 4242 4242 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 987654 1000 2 18446744073709551615';
    expect(parseProcStat(stat)).toEqual({ state: 'S', ppid: 1, pgid: 4242, startTime: '987654' });
  });

  it('asks each platform in its own way', () => {
    expect(startTimeQuery(42, 'linux')).toEqual({ kind: 'proc', path: '/proc/42/stat' });
    expect(startTimeQuery(42, 'darwin')).toEqual({ kind: 'exec', file: 'ps', args: ['-o', 'stat=,lstart=', '-p', '42'] });
    expect(startTimeQuery(42, 'win32')).toEqual({
      kind: 'exec',
      file: 'powershell.exe',
      args: ['-NoProfile', '-NonInteractive', '-Command', '(Get-Process -Id 42 -ErrorAction Stop).StartTime.ToFileTimeUtc()'],
    });
  });
});
