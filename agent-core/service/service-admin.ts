import { BerthError } from '../protocol';
import { parseServiceQuery, type ServiceState } from '../protocol/desktop';
import { runProgram, runServiceSteps, type RunProgram } from './run-steps';
import type { ServiceDefinition } from './service-definition';
import { installSteps, statusStep, systemRootOf, uninstallSteps, type WrapperFiles } from './service-steps';

export interface ServiceAdminOptions {
  platform?: NodeJS.Platform;
  run?: RunProgram;
  log?: (line: string) => void;
  /** `%SystemRoot%`, where sc.exe and icacls.exe are. */
  systemRoot?: string;
}

export function requireWindows(platform: NodeJS.Platform): void {
  if (platform !== 'win32') {
    throw new BerthError(
      'INVALID_PAYLOAD',
      "service mode is for Windows; elsewhere run 'berth-agent run' under the system's own service manager (systemd, launchd)",
    );
  }
}

export async function queryService(options: ServiceAdminOptions = {}): Promise<ServiceState> {
  if ((options.platform ?? process.platform) !== 'win32') return 'not-installed';
  const step = statusStep(options.systemRoot ?? systemRootOf());
  const outcome = await (options.run ?? runProgram)(step.file, step.args);
  return parseServiceQuery(outcome.code, outcome.output);
}

/**
 * Installs and starts the service; an installed one is replaced, so a new version takes effect.
 * A failed install is undone: a service half set up (still LocalSystem, say) is never left behind.
 */
export async function installService(definition: ServiceDefinition, wrapper: () => WrapperFiles, options: ServiceAdminOptions = {}): Promise<void> {
  requireWindows(options.platform ?? process.platform);
  const files = wrapper();
  if ((await queryService(options)) !== 'not-installed') await runServiceSteps(uninstallSteps(definition), options.run, options.log);
  try {
    await runServiceSteps(installSteps(definition, files, options.systemRoot ?? systemRootOf()), options.run, options.log);
  } catch (error) {
    if ((await queryService(options)) !== 'not-installed') {
      await runServiceSteps(uninstallSteps(definition), options.run, options.log).catch((undo: unknown) =>
        options.log?.(`removing the half-installed service failed too: ${(undo as Error).message}`),
      );
    }
    throw error;
  }
}

/** Stops the service (its slots' shutdown commands run, their desired state is kept) and removes it. */
export async function uninstallService(definition: ServiceDefinition, options: ServiceAdminOptions = {}): Promise<boolean> {
  requireWindows(options.platform ?? process.platform);
  if ((await queryService(options)) === 'not-installed') return false;
  await runServiceSteps(uninstallSteps(definition), options.run, options.log);
  return true;
}
