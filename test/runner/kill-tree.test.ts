import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { killTree } from '../../agent-core/runner/kill-tree';
import { parseProcessTable, PROCESS_TABLE_COMMAND, treeMembers, type ProcessEntry } from '../../agent-core/runner/kill-tree.posix';
import {
  decodeOutput,
  killTreeCommand,
  parsePowerShellTable,
  parseWmicTable,
  PROCESS_TABLE_WMIC,
  TASKKILL_NOT_FOUND,
} from '../../agent-core/runner/kill-tree.win32';
import { processStartTime } from '../../agent-core/runner/process-identity';
import { waitFor } from '../fixtures/wait';
import { useWorkspace } from './runner-fixtures';

const entry = (pid: number, ppid: number, pgid: number, startTime = `t${pid}`): ProcessEntry => ({ pid, ppid, pgid, startTime });

describe('kill tree', () => {
  const workspace = useWorkspace();

  it('ends a tree on Windows with taskkill /T /F, where exit code 128 means already gone', () => {
    expect(killTreeCommand(4321)).toEqual({ file: 'taskkill', args: ['/T', '/F', '/PID', '4321'] });
    expect(TASKKILL_NOT_FOUND).toBe(128);
  });

  it('reads the Windows process table from CIM with creation times, or from wmic with parents standing in for them', () => {
    expect(parsePowerShellTable('4 0 -\r\n1200 900 134091234567890000\r\n')).toEqual([
      { pid: 4, ppid: 0, pgid: 0, startTime: null },
      { pid: 1200, ppid: 900, pgid: 0, startTime: '134091234567890000' },
    ]);
    expect(PROCESS_TABLE_WMIC).toEqual({ file: 'wmic', args: ['process', 'get', 'ParentProcessId,ProcessId'] });
    const wmic = 'ParentProcessId  ProcessId  \r\r\n0                4          \r\r\n900              1200       \r\r\n\r\r\n';
    expect(decodeOutput(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(wmic, 'utf16le')]))).toBe(wmic);
    expect(decodeOutput(Buffer.from(wmic))).toBe(wmic);
    expect(parseWmicTable(wmic)).toEqual([
      { pid: 4, ppid: 0, pgid: 0, startTime: 'parent 0' },
      { pid: 1200, ppid: 900, pgid: 0, startTime: 'parent 900' },
    ]);
    expect(parseWmicTable('ParentProcessIDProcessID\r\n56    76    \r\n')).toEqual([{ pid: 76, ppid: 56, pgid: 0, startTime: 'parent 56' }]);
  });

  it('reads the process table with ps where there is no /proc, leaving zombies out', () => {
    expect(PROCESS_TABLE_COMMAND).toEqual({ file: 'ps', args: ['-A', '-o', 'pid=,ppid=,pgid=,stat=,lstart='] });
    const table = parseProcessTable('  100     1   100 Ss   Mon Nov 22 10:00:00 2026\n  101   100   100 Z+   Mon Nov 22 10:00:01 2026\n');
    expect(table).toEqual([{ pid: 100, ppid: 1, pgid: 100, startTime: 'Mon Nov 22 10:00:00 2026' }]);
  });

  it('takes the group, every descendant and reparented processes it saw before, but not a reused pid', () => {
    const table = [
      entry(100, 50, 100),
      entry(101, 100, 100),
      entry(102, 101, 102), // called setsid: left the group, still a descendant
      entry(103, 1, 100), // orphan still in the group
      entry(104, 1, 104), // setsid orphan, seen in an earlier snapshot
      entry(105, 104, 104),
      entry(106, 1, 106, 'new'), // pid seen earlier, now a different process
      entry(200, 1, 200), // unrelated
    ];
    const members = treeMembers(100, table, [
      { pid: 104, startTime: 't104' },
      { pid: 106, startTime: 'old' },
    ]).map((member) => member.pid);
    expect(members.sort()).toEqual([100, 101, 102, 103, 104, 105]);
  });

  it('kills a process, its group and a grandchild that called setsid, and resolves only when all are gone', async () => {
    const folder = workspace.folder();
    const script = `setsid sh -c 'echo $$ > ${join(folder, 'escaped.pid')}; exec sleep 1000' &
sleep 1000 &
echo $! > ${join(folder, 'child.pid')}
wait`;
    const root = spawn('bash', ['-c', script], { detached: true, stdio: 'ignore' });
    const rootPid = workspace.trackPid(root.pid as number);
    const pidIn = (name: string) => waitFor(() => Number(readFileSync(join(folder, name), 'utf8')), name);
    const escaped = workspace.trackPid(await pidIn('escaped.pid'));
    const child = workspace.trackPid(await pidIn('child.pid'));
    await waitFor(async () => (await processStartTime(escaped)) !== null, 'the setsid grandchild to run');
    await killTree(rootPid);
    expect(await processStartTime(rootPid)).toBeNull();
    expect(await processStartTime(child)).toBeNull();
    expect(await processStartTime(escaped)).toBeNull();
  });
});
