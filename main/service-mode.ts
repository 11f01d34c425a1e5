import { execFile } from 'node:child_process';
import { parseServiceQuery, SERVICE_FLAGS, SERVICE_ID, type AgentMode, type ServiceState } from '../agent-core/protocol/desktop';

export interface ProgramOutcome {
  code: number;
  output: string;
}
export type RunProgram = (file: string, args: string[]) => Promise<ProgramOutcome>;

export const runProgram: RunProgram = (file, args) =>
  new Promise((resolve) => {
    execFile(file, args, { windowsHide: true, timeout: 600_000 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, output: output || (error?.message ?? '') });
    });
  });

export type ServiceRole = keyof typeof SERVICE_FLAGS;

/** What this launch of Berth.exe is: the desktop app (null), or one of its service roles. */
export function serviceRole(argv: readonly string[]): ServiceRole | null {
  // WinSW appends the service's own arguments to the stop arguments: the stop flag must win.
  for (const role of ['stop', 'install', 'uninstall', 'host'] as const) {
    if (argv.includes(SERVICE_FLAGS[role])) return role;
  }
  return null;
}

export interface ModeDetection {
  mode: AgentMode;
  service: ServiceState;
}

/**
 * Service mode when the Windows service is installed, running or not: two agents on one storage
 * folder would fight over its database and ports, so the app never starts its own beside it.
 */
export async function detectAgentMode(platform: NodeJS.Platform, exec: RunProgram = runProgram): Promise<ModeDetection> {
  if (platform !== 'win32') return { mode: 'embedded', service: 'not-installed' };
  const outcome = await exec('sc.exe', ['query', SERVICE_ID]);
  const service = parseServiceQuery(outcome.code, outcome.output);
  return { mode: service === 'not-installed' ? 'embedded' : 'service', service };
}

/**
 * One argument as Windows' command-line parser reads it back: Start-Process joins its ArgumentList
 * with spaces and quotes nothing, so `PC-7\\Ada Lovelace` would arrive as two arguments.
 */
function commandLineArgument(value: string): string {
  if (value !== '' && !/[\s"]/.test(value)) return value;
  return `"${value.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}

/** Runs Berth.exe elevated (Windows asks for administrator rights) and waits for its exit code. */
export function elevatedInvocation(executable: string, args: string[]): { file: string; args: string[] } {
  const quote = (value: string): string => `'${value.replace(/'/g, "''")}'`;
  const argumentList = args.length > 0 ? ` -ArgumentList ${args.map((arg) => quote(commandLineArgument(arg))).join(',')}` : '';
  const script = `$p = Start-Process -FilePath ${quote(executable)}${argumentList} -Verb RunAs -Wait -PassThru; exit $p.ExitCode`;
  return { file: 'powershell.exe', args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', script] };
}

/**
 * Berth.exe's arguments for the elevated install or removal. The user is named because the prompt
 * may be approved with an administrator's own account, whose process would otherwise be taken for
 * the person whose tray drives the service. The service's storage is its own (%ProgramData%\\Berth),
 * never this user's folder, so none is passed.
 */
export function serviceInstallArgs(enabled: boolean, env: NodeJS.ProcessEnv): string[] {
  if (!enabled) return [SERVICE_FLAGS.uninstall];
  const user = env['USERNAME'] ? `${env['USERDOMAIN'] ?? '.'}\\${env['USERNAME']}` : undefined;
  return [SERVICE_FLAGS.install, ...(user === undefined ? [] : ['--user', user])];
}
