import { createRequire } from 'node:module';

/**
 * Windows: a Job Object created with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE. A process in it cannot
 * leave it (no breakaway is allowed), the processes it starts are in it too, and when the last
 * handle to the job closes Windows ends every one of them. The agent holds that handle, so when
 * the agent dies, however it dies, Windows closes it and nothing of the job survives.
 * Node has no API for it: the calls go to kernel32.dll through koffi (see README, "Libraries").
 */

/** The kernel32 calls a job needs, as koffi binds them; a handle is opaque, null when a call failed. */
export interface Kernel32 {
  CreateJobObjectW(attributes: null, name: null): unknown;
  SetInformationJobObject(job: unknown, infoClass: number, info: Buffer, length: number): number;
  QueryInformationJobObject(job: unknown, infoClass: number, info: Buffer, length: number, returned: null): number;
  OpenProcess(access: number, inheritHandle: number, pid: number): unknown;
  GetExitCodeProcess(process: unknown, exitCode: [number]): number;
  AssignProcessToJobObject(job: unknown, process: unknown): number;
  TerminateJobObject(job: unknown, exitCode: number): number;
  CloseHandle(handle: unknown): number;
  GetLastError(): number;
}

// winnt.h
export const JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000;
export const JOB_OBJECT_BASIC_PROCESS_ID_LIST = 3;
export const JOB_OBJECT_EXTENDED_LIMIT_INFORMATION = 9;
export const PROCESS_TERMINATE = 0x0001;
export const PROCESS_SET_QUOTA = 0x0100;
export const PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;
/** GetExitCodeProcess's answer for a process still running. */
export const STILL_ACTIVE = 259;
const ERROR_INVALID_PARAMETER = 87;

/**
 * JOBOBJECT_EXTENDED_LIMIT_INFORMATION as a 64-bit process lays it out: BasicLimitInformation
 * (two LARGE_INTEGERs, then LimitFlags at 16, ... 64 bytes), IoInfo (six ULONGLONGs, 48 bytes),
 * then four SIZE_Ts: 144 bytes. Only LimitFlags is set; every other limit stays off (zero).
 */
export const EXTENDED_LIMIT_INFORMATION_SIZE = 144;
export const LIMIT_FLAGS_OFFSET = 16;

export function killOnCloseLimits(): Buffer {
  const info = Buffer.alloc(EXTENDED_LIMIT_INFORMATION_SIZE);
  info.writeUInt32LE(JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, LIMIT_FLAGS_OFFSET);
  return info;
}

// JOBOBJECT_BASIC_PROCESS_ID_LIST: two DWORD counts, then one ULONG_PTR per pid.
const PROCESS_ID_LIST_CAPACITY = 1024;

/** The pids in a JOBOBJECT_BASIC_PROCESS_ID_LIST that QueryInformationJobObject filled in. */
export function parseProcessIdList(list: Buffer): number[] {
  const listed = Math.min(list.readUInt32LE(4), (list.length - 8) / 8);
  return Array.from({ length: listed }, (_, index) => Number(list.readBigUInt64LE(8 + index * 8)));
}

export class JobObjectError extends Error {}

/** One kill-on-close job and its handle, which the agent holds until `close`. */
export class JobObject {
  private handle: unknown;

  private constructor(
    private readonly kernel32: Kernel32,
    handle: unknown,
  ) {
    this.handle = handle;
  }

  static create(kernel32: Kernel32): JobObject {
    // No security attributes: the handle is not inheritable, so no child process holds the job open.
    const handle = kernel32.CreateJobObjectW(null, null);
    if (handle === null) throw failure(kernel32, 'CreateJobObjectW');
    const limits = killOnCloseLimits();
    if (!kernel32.SetInformationJobObject(handle, JOB_OBJECT_EXTENDED_LIMIT_INFORMATION, limits, limits.length)) {
      const error = failure(kernel32, 'SetInformationJobObject');
      kernel32.CloseHandle(handle);
      throw error;
    }
    return new JobObject(kernel32, handle);
  }

  /**
   * Puts a running process in the job; the processes it starts from then on are in it too. A
   * process that has already exited has nothing left to contain: 'exited', not an error.
   */
  assign(pid: number): 'joined' | 'exited' {
    const { kernel32 } = this;
    if (this.handle === null) throw new JobObjectError(`process ${pid} cannot join a job that was closed`);
    const process = kernel32.OpenProcess(PROCESS_SET_QUOTA | PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
    if (process === null) {
      const error = kernel32.GetLastError();
      if (error === ERROR_INVALID_PARAMETER) return 'exited';
      throw new JobObjectError(`OpenProcess(${pid}) failed with Windows error ${error}`);
    }
    try {
      if (kernel32.AssignProcessToJobObject(this.handle, process)) return 'joined';
      const error = failure(kernel32, `AssignProcessToJobObject(${pid})`);
      const exitCode: [number] = [0];
      if (kernel32.GetExitCodeProcess(process, exitCode) && exitCode[0] !== STILL_ACTIVE) return 'exited';
      throw error;
    } finally {
      kernel32.CloseHandle(process);
    }
  }

  /** The pids of the processes in the job now. */
  processIds(): number[] {
    const { kernel32 } = this;
    if (this.handle === null) return [];
    const list = Buffer.alloc(8 + PROCESS_ID_LIST_CAPACITY * 8);
    // A job of more processes than that answers ERROR_MORE_DATA with the first ones listed.
    if (!kernel32.QueryInformationJobObject(this.handle, JOB_OBJECT_BASIC_PROCESS_ID_LIST, list, list.length, null) && list.readUInt32LE(4) === 0) {
      throw failure(kernel32, 'QueryInformationJobObject');
    }
    return parseProcessIdList(list);
  }

  /** Ends every process in the job; Windows ends them a moment later (see processIds). */
  terminate(exitCode = 1): void {
    const { kernel32, handle } = this;
    if (handle === null) return;
    if (!kernel32.TerminateJobObject(handle, exitCode)) throw failure(kernel32, 'TerminateJobObject');
  }

  /** Closes the agent's handle: kill-on-close ends whatever is still in the job. */
  close(): void {
    const { kernel32, handle } = this;
    if (handle === null) return;
    this.handle = null;
    kernel32.CloseHandle(handle);
  }
}

function failure(kernel32: Kernel32, call: string): JobObjectError {
  return new JobObjectError(`${call} failed with Windows error ${kernel32.GetLastError()}`);
}

let loaded: Kernel32 | undefined;

/** kernel32's job calls through koffi, bound once; koffi is loaded only here, on Windows. */
export function loadKernel32(): Kernel32 {
  if (loaded !== undefined) return loaded;
  if (process.arch !== 'x64' && process.arch !== 'arm64') {
    throw new JobObjectError(`Job Objects are laid out for a 64-bit agent; this one runs on ${process.arch}`);
  }
  const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
  const lib = koffi.load('kernel32.dll');
  const HANDLE = koffi.pointer('BerthHandle', koffi.opaque());
  const bind = (name: string, result: unknown, parameters: unknown[]) => lib.func('__stdcall', name, result as string, parameters as string[]);
  const calls = {
    CreateJobObjectW: bind('CreateJobObjectW', HANDLE, ['void *', 'void *']),
    SetInformationJobObject: bind('SetInformationJobObject', 'int', [HANDLE, 'int', 'void *', 'uint32']),
    QueryInformationJobObject: bind('QueryInformationJobObject', 'int', [HANDLE, 'int', 'void *', 'uint32', 'void *']),
    OpenProcess: bind('OpenProcess', HANDLE, ['uint32', 'int', 'uint32']),
    GetExitCodeProcess: bind('GetExitCodeProcess', 'int', [HANDLE, koffi.out(koffi.pointer('uint32'))]),
    AssignProcessToJobObject: bind('AssignProcessToJobObject', 'int', [HANDLE, HANDLE]),
    TerminateJobObject: bind('TerminateJobObject', 'int', [HANDLE, 'uint32']),
    CloseHandle: bind('CloseHandle', 'int', [HANDLE]),
    GetLastError: bind('GetLastError', 'uint32', []),
  };
  loaded = calls as unknown as Kernel32;
  return loaded;
}
