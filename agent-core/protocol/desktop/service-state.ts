import { z } from 'zod';

/** The Windows service's name for the service manager (`sc.exe query berth-agent`). */
export const SERVICE_ID = 'berth-agent';
export const SERVICE_DISPLAY_NAME = 'Berth agent';

/** The service's folders under %ProgramData% (agent-core/service/service-layout.ts): writable by administrators and the service only. */
export const SERVICE_ROOT_FOLDER = ['Berth'] as const;
/** Its logs: WinSW's, and Berth.exe's `main.log` and `agent.log` when the desktop app is the service. */
export const SERVICE_LOG_FOLDER = ['Berth', 'logs'] as const;

/** The flags by which Berth.exe runs as the service, stops it, and installs or removes it (elevated). */
export const SERVICE_FLAGS = {
  host: '--berth-service',
  stop: '--berth-service-stop',
  install: '--berth-service-install',
  uninstall: '--berth-service-uninstall',
} as const;

export const ServiceState = z.enum(['not-installed', 'stopped', 'starting', 'running', 'stopping', 'unknown']);
export type ServiceState = z.infer<typeof ServiceState>;

// sc.exe prints "STATE : 4  RUNNING". The label is translated ("STATUS" in German) but the number, the
// SERVICE_STATUS dwCurrentState, and the state's name after it are not.
const STATES: Record<number, ServiceState> = {
  1: 'stopped',
  2: 'starting',
  3: 'stopping',
  4: 'running',
  5: 'starting',
  6: 'stopping',
  7: 'stopped',
};
// Exit code of `sc query` for a service that does not exist (ERROR_SERVICE_DOES_NOT_EXIST).
const SERVICE_DOES_NOT_EXIST = 1060;

/** Reads the outcome of `sc.exe query berth-agent`: both main (mode detection) and the CLI use it. */
export function parseServiceQuery(exitCode: number, output: string): ServiceState {
  if (exitCode === SERVICE_DOES_NOT_EXIST || /\b1060\b/.test(output)) return 'not-installed';
  const state = /:\s*(\d)\s+(?:STOPPED|START_PENDING|STOP_PENDING|RUNNING|CONTINUE_PENDING|PAUSE_PENDING|PAUSED)\b/.exec(output);
  if (exitCode !== 0 || !state) return 'unknown';
  return STATES[Number(state[1])] ?? 'unknown';
}
