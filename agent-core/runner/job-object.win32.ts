/**
 * Windows: one Job Object per slot instance, created with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, so that
 * closing it ends every process in it, also those that left the tree (the job is inherited by
 * children, whatever their parent does). Node has no Job Object API, so a small PowerShell helper
 * holds the jobs: the agent starts it once, writes one line per request to its stdin, and reads one
 * answer line per request. When the agent dies its end of the pipe closes, the helper exits, the
 * handles close, and Windows ends every slot process: none survives the agent itself.
 *
 * Only the construction is here and unit-tested; it is not yet wired into PtyProcess, because only
 * a real Windows machine can prove it (see README, "Slots, templates and commands").
 */

// C# through Add-Type (compiled once at the helper's start, about a second): the Win32 calls.
const NATIVE = `
using System;
using System.Runtime.InteropServices;
public static class BerthJobs {
  [StructLayout(LayoutKind.Sequential)] struct Basic { public long a; public long b; public uint Flags; public UIntPtr c; public UIntPtr d; public uint e; public UIntPtr f; public uint g; public uint h; }
  [StructLayout(LayoutKind.Sequential)] struct Io { public ulong a; public ulong b; public ulong c; public ulong d; public ulong e; public ulong f; }
  [StructLayout(LayoutKind.Sequential)] struct Extended { public Basic Basic; public Io Io; public UIntPtr a; public UIntPtr b; public UIntPtr c; public UIntPtr d; }
  [DllImport("kernel32.dll", SetLastError = true)] static extern IntPtr CreateJobObject(IntPtr attributes, string name);
  [DllImport("kernel32.dll", SetLastError = true)] static extern bool SetInformationJobObject(IntPtr job, int infoClass, ref Extended info, int length);
  [DllImport("kernel32.dll", SetLastError = true)] static extern bool AssignProcessToJobObject(IntPtr job, IntPtr process);
  [DllImport("kernel32.dll", SetLastError = true)] static extern bool TerminateJobObject(IntPtr job, uint exitCode);
  [DllImport("kernel32.dll", SetLastError = true)] static extern IntPtr OpenProcess(uint access, bool inherit, int pid);
  [DllImport("kernel32.dll", SetLastError = true)] static extern bool CloseHandle(IntPtr handle);
  public static IntPtr Create() {
    IntPtr job = CreateJobObject(IntPtr.Zero, null);
    if (job == IntPtr.Zero) throw new System.ComponentModel.Win32Exception();
    Extended info = new Extended();
    info.Basic.Flags = 0x2000; // JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
    if (!SetInformationJobObject(job, 9, ref info, Marshal.SizeOf(typeof(Extended)))) throw new System.ComponentModel.Win32Exception();
    return job;
  }
  public static void Assign(IntPtr job, int pid) {
    IntPtr process = OpenProcess(0x0101, false, pid); // PROCESS_SET_QUOTA | PROCESS_TERMINATE
    if (process == IntPtr.Zero) throw new System.ComponentModel.Win32Exception();
    try { if (!AssignProcessToJobObject(job, process)) throw new System.ComponentModel.Win32Exception(); } finally { CloseHandle(process); }
  }
  public static void Close(IntPtr job) { TerminateJobObject(job, 1); CloseHandle(job); }
}`;

// The loop: `assign <mark> <pid>` puts a process in the mark's job (made on first use); `close <mark>`
// ends every process in it. Each request gets `ok` or `error <message>`; end of input ends the helper.
const LOOP = `
$jobs = @{}
while ($null -ne ($line = [Console]::In.ReadLine())) {
  $words = $line.Split(' ')
  try {
    if ($words[0] -eq 'assign') {
      if (-not $jobs.ContainsKey($words[1])) { $jobs[$words[1]] = [BerthJobs]::Create() }
      [BerthJobs]::Assign($jobs[$words[1]], [int]$words[2])
    } elseif ($words[0] -eq 'close' -and $jobs.ContainsKey($words[1])) {
      [BerthJobs]::Close($jobs[$words[1]]); $jobs.Remove($words[1])
    }
    [Console]::Out.WriteLine('ok')
  } catch { [Console]::Out.WriteLine('error ' + $_.Exception.Message) }
}`;

/** How the agent starts the helper: Windows PowerShell 5.1, present on every supported Windows. */
export function jobHelperCommand(): { file: string; args: string[] } {
  const script = `Add-Type -TypeDefinition @'\n${NATIVE}\n'@\n${LOOP}`;
  return { file: 'powershell.exe', args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', script] };
}

export type JobRequest = { kind: 'assign'; mark: string; pid: number } | { kind: 'close'; mark: string };

/** One request line for the helper; a mark is only hex, letters, digits, `_` and `.` (no space to split on). */
export function jobRequestLine(request: JobRequest): string {
  if (!/^[0-9A-Za-z_.-]+$/.test(request.mark)) throw new Error(`not a process mark: '${request.mark}'`);
  if (request.kind === 'close') return `close ${request.mark}\n`;
  if (!Number.isInteger(request.pid) || request.pid <= 0) throw new Error(`not a pid: ${request.pid}`);
  return `assign ${request.mark} ${request.pid}\n`;
}
