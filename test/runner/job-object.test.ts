import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  EXTENDED_LIMIT_INFORMATION_SIZE,
  JOB_OBJECT_BASIC_PROCESS_ID_LIST,
  JOB_OBJECT_EXTENDED_LIMIT_INFORMATION,
  JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
  JobObject,
  killOnCloseLimits,
  LIMIT_FLAGS_OFFSET,
  parseProcessIdList,
  PROCESS_QUERY_LIMITED_INFORMATION,
  PROCESS_SET_QUOTA,
  PROCESS_TERMINATE,
  STILL_ACTIVE,
  type Kernel32,
} from '../../agent-core/runner/job-object.win32';
import { MarkJobs } from '../../agent-core/runner/mark-jobs.win32';
import { joinMarkJob, endMarkJobs } from '../../agent-core/runner/process-jobs';

/**
 * kernel32 as far as jobs go: handles are numbers, a job keeps the pids assigned to it, and
 * terminating it empties it. Every call is recorded, so the tests read what Berth asked of Windows.
 */
class FakeKernel32 implements Kernel32 {
  readonly calls: string[] = [];
  readonly jobs = new Map<number, number[]>();
  readonly open = new Set<number>();
  readonly exited = new Set<number>();
  readonly gone = new Set<number>();
  limits: Buffer | undefined;
  lastError = 0;
  failAssign = false;
  private next = 100;

  CreateJobObjectW(attributes: null, name: null): unknown {
    this.calls.push(`CreateJobObjectW(${attributes}, ${name})`);
    const handle = this.next++;
    this.jobs.set(handle, []);
    this.open.add(handle);
    return handle;
  }
  SetInformationJobObject(job: unknown, infoClass: number, info: Buffer, length: number): number {
    this.calls.push(`SetInformationJobObject(${job}, ${infoClass}, ${length})`);
    this.limits = Buffer.from(info);
    return 1;
  }
  QueryInformationJobObject(job: unknown, infoClass: number, info: Buffer, length: number): number {
    expect(infoClass).toBe(JOB_OBJECT_BASIC_PROCESS_ID_LIST);
    const pids = this.jobs.get(job as number) ?? [];
    info.writeUInt32LE(pids.length, 0);
    info.writeUInt32LE(pids.length, 4);
    pids.forEach((pid, index) => info.writeBigUInt64LE(BigInt(pid), 8 + index * 8));
    expect(length).toBe(info.length);
    return 1;
  }
  OpenProcess(access: number, inheritHandle: number, pid: number): unknown {
    this.calls.push(`OpenProcess(0x${access.toString(16)}, ${inheritHandle}, ${pid})`);
    if (this.gone.has(pid)) {
      this.lastError = 87; // ERROR_INVALID_PARAMETER: no such process
      return null;
    }
    const handle = this.next++;
    this.open.add(handle);
    return { pid, handle };
  }
  GetExitCodeProcess(process: unknown, exitCode: [number]): number {
    exitCode[0] = this.exited.has((process as { pid: number }).pid) ? 0 : STILL_ACTIVE;
    return 1;
  }
  AssignProcessToJobObject(job: unknown, process: unknown): number {
    const { pid } = process as { pid: number };
    this.calls.push(`AssignProcessToJobObject(${job}, ${pid})`);
    if (this.failAssign || this.exited.has(pid)) {
      this.lastError = 5;
      return 0;
    }
    this.jobs.get(job as number)!.push(pid);
    return 1;
  }
  TerminateJobObject(job: unknown, exitCode: number): number {
    this.calls.push(`TerminateJobObject(${job}, ${exitCode})`);
    this.jobs.set(job as number, []);
    return 1;
  }
  CloseHandle(handle: unknown): number {
    const number = typeof handle === 'number' ? handle : (handle as { handle: number }).handle;
    this.calls.push(`CloseHandle(${typeof handle === 'number' ? handle : `process ${(handle as { pid: number }).pid}`})`);
    this.open.delete(number);
    return 1;
  }
  GetLastError(): number {
    return this.lastError;
  }
}

describe('the Windows Job Object', () => {
  it('lays out JOBOBJECT_EXTENDED_LIMIT_INFORMATION for 64 bits with kill-on-close as its only limit', () => {
    const info = killOnCloseLimits();
    expect(info.length).toBe(EXTENDED_LIMIT_INFORMATION_SIZE);
    expect(EXTENDED_LIMIT_INFORMATION_SIZE).toBe(144);
    expect(LIMIT_FLAGS_OFFSET).toBe(16);
    expect(JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE).toBe(0x2000);
    expect(info.readUInt32LE(16)).toBe(0x2000);
    // Every other byte zero: no time, memory, process-count or breakaway limit.
    expect([...info].filter((byte, index) => byte !== 0 && index !== 17)).toEqual([]);
  });

  it('creates the job without an inheritable handle and sets the extended limits on it', () => {
    const kernel32 = new FakeKernel32();
    JobObject.create(kernel32);
    expect(kernel32.calls).toEqual(['CreateJobObjectW(null, null)', `SetInformationJobObject(100, ${JOB_OBJECT_EXTENDED_LIMIT_INFORMATION}, 144)`]);
    expect(JOB_OBJECT_EXTENDED_LIMIT_INFORMATION).toBe(9);
    expect(kernel32.limits?.readUInt32LE(LIMIT_FLAGS_OFFSET)).toBe(JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE);
  });

  it('opens a process with only the rights assigning needs, assigns it and closes the process handle', () => {
    const kernel32 = new FakeKernel32();
    const job = JobObject.create(kernel32);
    kernel32.calls.length = 0;
    expect(job.assign(4120)).toBe('joined');
    expect(PROCESS_SET_QUOTA | PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION).toBe(0x1101);
    expect(kernel32.calls).toEqual(['OpenProcess(0x1101, 0, 4120)', 'AssignProcessToJobObject(100, 4120)', 'CloseHandle(process 4120)']);
    expect(job.processIds()).toEqual([4120]);
    expect([...kernel32.open]).toEqual([100]);
  });

  it('takes a process that exited before it could join as exited, and a refusal of a running one as an error', () => {
    const kernel32 = new FakeKernel32();
    const job = JobObject.create(kernel32);
    kernel32.exited.add(7);
    expect(job.assign(7)).toBe('exited');
    kernel32.gone.add(6);
    expect(job.assign(6)).toBe('exited');
    kernel32.failAssign = true;
    expect(() => job.assign(8)).toThrow('AssignProcessToJobObject(8) failed with Windows error 5');
    expect([...kernel32.open]).toEqual([100]);
  });

  it('reads the pids of a JOBOBJECT_BASIC_PROCESS_ID_LIST, never past the buffer', () => {
    const list = Buffer.alloc(8 + 3 * 8);
    list.writeUInt32LE(5, 0);
    list.writeUInt32LE(5, 4);
    [11, 12, 13].forEach((pid, index) => list.writeBigUInt64LE(BigInt(pid), 8 + index * 8));
    expect(parseProcessIdList(list)).toEqual([11, 12, 13]);
  });

  it('terminates, then closes: no process can join a closed job', () => {
    const kernel32 = new FakeKernel32();
    const job = JobObject.create(kernel32);
    job.assign(4120);
    job.terminate(1);
    job.close();
    job.close();
    expect(kernel32.calls.slice(-2)).toEqual(['TerminateJobObject(100, 1)', 'CloseHandle(100)']);
    expect(() => job.assign(4121)).toThrow(/closed/);
  });
});

describe('Job Objects per process mark', () => {
  it('gives each mark its own job, created on its first process, and ends only the selected marks', async () => {
    const kernel32 = new FakeKernel32();
    const jobs = new MarkJobs(() => kernel32);
    jobs.assign('ab12.dep_1.blue', 10);
    jobs.assign('ab12.dep_1.blue', 11);
    jobs.assign('ab12.dep_2.green', 20);
    expect(kernel32.calls.filter((call) => call.startsWith('CreateJobObjectW'))).toHaveLength(2);
    expect(await jobs.end((mark) => mark === 'ab12.dep_1.blue', 1_000)).toBe(2);
    expect(jobs.processIds('ab12.dep_1.blue')).toEqual([]);
    expect(jobs.processIds('ab12.dep_2.green')).toEqual([20]);
    // Handles: 100 the blue job, 101 and 102 its processes (closed at once), 103 the green job.
    expect([...kernel32.open]).toEqual([103]);
    // The mark's next process gets a new job.
    jobs.assign('ab12.dep_1.blue', 12);
    expect(jobs.processIds('ab12.dep_1.blue')).toEqual([12]);
  });

  it('does not load kernel32 until a marked process starts', () => {
    let loads = 0;
    const jobs = new MarkJobs(() => {
      loads += 1;
      return new FakeKernel32();
    });
    expect(loads).toBe(0);
    jobs.assign('ab12.dep_1.single', 10);
    jobs.assign('ab12.dep_1.single', 11);
    expect(loads).toBe(1);
  });
});

describe.runIf(process.platform !== 'win32')('Job Objects outside Windows', () => {
  it('neither joins a job nor ends one, and never loads koffi', async () => {
    expect(joinMarkJob('ab12.dep_1.single', process.pid)).toBeUndefined();
    expect(await endMarkJobs(() => true, 1_000)).toBe(0);
    expect(Object.keys(createRequire(import.meta.url).cache).filter((path) => /[\\/]koffi[\\/]/.test(path))).toEqual([]);
  });
});
