import { describe, expect, it } from 'vitest';
import { agentProcessArgs, parseAgentProcessArgs, SERVICE_FLAGS, type AgentProcessTask } from '../../agent-core/protocol/desktop';
import { detectAgentMode, elevatedInvocation, serviceInstallArgs, serviceRole, type RunProgram } from '../../main/service-mode';

const RUNNING = 'SERVICE_NAME: berth-agent\r\n        TYPE               : 10  WIN32_OWN_PROCESS\r\n        STATE              : 4  RUNNING\r\n';
const STOPPED = 'SERVICE_NAME: berth-agent\r\n        STATE              : 1  STOPPED\r\n';
const MISSING = '[SC] EnumQueryServicesStatus:OpenService FAILED 1060:\r\n\r\nThe specified service does not exist as an installed service.\r\n';

function sc(code: number, output: string): { exec: RunProgram; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    exec: async (file, args) => {
      calls.push([file, ...args].join(' '));
      return { code, output };
    },
  };
}

describe('service mode', () => {
  it('hosts its own agent when no service is installed', async () => {
    const { exec, calls } = sc(1060, MISSING);
    expect(await detectAgentMode('win32', exec)).toEqual({ mode: 'embedded', service: 'not-installed' });
    expect(calls).toEqual(['sc.exe query berth-agent']);
  });

  it('connects to the service when it is installed, running or not', async () => {
    expect(await detectAgentMode('win32', sc(0, RUNNING).exec)).toEqual({ mode: 'service', service: 'running' });
    expect(await detectAgentMode('win32', sc(0, STOPPED).exec)).toEqual({ mode: 'service', service: 'stopped' });
  });

  it('never asks the service manager outside Windows', async () => {
    const { exec, calls } = sc(0, RUNNING);
    expect(await detectAgentMode('darwin', exec)).toEqual({ mode: 'embedded', service: 'not-installed' });
    expect(calls).toEqual([]);
  });

  it('knows each of Berth.exe’s service roles, the stop flag winning over the arguments WinSW appends', () => {
    expect(serviceRole(['Berth.exe'])).toBeNull();
    expect(serviceRole(['Berth.exe', '--hidden'])).toBeNull();
    expect(serviceRole(['Berth.exe', SERVICE_FLAGS.host, '--storage', 'C:\\data'])).toBe('host');
    expect(serviceRole(['Berth.exe', SERVICE_FLAGS.stop, SERVICE_FLAGS.host, '--storage', 'C:\\data'])).toBe('stop');
    expect(serviceRole(['Berth.exe', SERVICE_FLAGS.install])).toBe('install');
    expect(serviceRole(['Berth.exe', SERVICE_FLAGS.uninstall])).toBe('uninstall');
  });

  it('runs the install elevated and waits for its exit code, quoting paths safely', () => {
    const command = elevatedInvocation("C:\\Users\\O'Brien\\AppData\\Local\\Programs\\Berth\\Berth.exe", [SERVICE_FLAGS.install, '--user', 'PC-7\\Ada "Ace" Lovelace\\']);
    expect(command.file).toBe('powershell.exe');
    expect(command.args.slice(0, 5)).toEqual(['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command']);
    expect(command.args[5]).toBe(
      // Start-Process joins the list with spaces: an argument with a space is quoted for Windows' parser (quotes and trailing backslashes escaped).
      "$p = Start-Process -FilePath 'C:\\Users\\O''Brien\\AppData\\Local\\Programs\\Berth\\Berth.exe' -ArgumentList '--berth-service-install','--user','\"PC-7\\Ada \\\"Ace\\\" Lovelace\\\\\"' -Verb RunAs -Wait -PassThru; exit $p.ExitCode",
    );
  });

  it('names the user whose tray will drive the service, and no storage folder of theirs', () => {
    expect(serviceInstallArgs(true, { USERDOMAIN: 'PC-7', USERNAME: 'Ada Lovelace', APPDATA: 'C:\\Users\\Ada Lovelace\\AppData\\Roaming' })).toEqual([
      SERVICE_FLAGS.install,
      '--user',
      'PC-7\\Ada Lovelace',
    ]);
    expect(serviceInstallArgs(false, { USERDOMAIN: 'PC-7', USERNAME: 'ada' })).toEqual([SERVICE_FLAGS.uninstall]);
  });

  it('carries the user and the account to the elevated agent process that installs', () => {
    const task: AgentProcessTask = { kind: 'service-command', action: 'install', executable: 'C:\\apps\\Berth\\Berth.exe', user: 'PC-7\\Ada Lovelace', account: 'CONTOSO\\berth$' };
    expect(parseAgentProcessArgs(agentProcessArgs(task))).toEqual(task);
  });
});
