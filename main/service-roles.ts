import type { App } from 'electron';
import { MessageChannelMain } from 'electron';
import type { AgentProcessTask } from '../agent-core/protocol/desktop';
import { AgentHost } from './agent-host';
import { forkAgentProcess } from './agent-process';
import type { DesktopLogs } from './logging';
import type { ServiceRole } from './service-mode';
import { listenForStop, requestStop, stopPipePath } from './service-stop';

// Longer than the agent's own stop timeout, so the service is never cut short by its stopper.
const STOP_REQUEST_MS = 150_000;

function optionValue(argv: readonly string[], flag: string): string | undefined {
  const index = argv.indexOf(flag);
  return index === -1 ? undefined : argv[index + 1];
}

/**
 * Berth.exe in one of its Windows-service roles, with no window and no tray: the service itself,
 * the stop command WinSW runs, or the elevated install/uninstall the installer and Settings start.
 */
export async function runServiceRole(role: ServiceRole, app: Pick<App, 'exit' | 'whenReady'>, logs: DesktopLogs, argv: readonly string[]): Promise<void> {
  const storagePath = optionValue(argv, '--storage');
  const platform = process.platform;
  if (role === 'stop') {
    try {
      await requestStop(stopPipePath(platform), STOP_REQUEST_MS);
      app.exit(0);
    } catch (error) {
      logs.main.error(`stopping the service: ${(error as Error).message}`);
      app.exit(1);
    }
    return;
  }
  await app.whenReady();
  if (role !== 'host') {
    // An install or uninstall runs once, and its exit code is this process's.
    const user = optionValue(argv, '--user');
    const account = optionValue(argv, '--account');
    const task: AgentProcessTask = {
      kind: 'service-command',
      action: role,
      executable: process.execPath,
      ...(user === undefined ? {} : { user }),
      ...(account === undefined ? {} : { account }),
    };
    forkAgentProcess(task, logs).on('exit', (code) => app.exit(code));
    return;
  }
  const host = new AgentHost((next) => forkAgentProcess(next, logs), () => new MessageChannelMain());
  host.on('crashed', (crash) => logs.main.error(`the service's agent exited (${crash.reason ?? `code ${crash.exitCode}`}); restarting in ${crash.restartInMs} ms`));
  await listenForStop(stopPipePath(platform), async () => {
    await host.stop();
    setImmediate(() => app.exit(0));
  });
  host.start({ kind: 'service-host', storagePath });
}
