import { BerthError } from '../protocol';
import { parseServiceQuery, type ServiceState } from '../protocol/desktop';
import { runCommand, runServiceSteps, type RunCommand } from './run-steps';
import type { ServiceDefinition } from './service-definition';
import { installSteps, statusStep, uninstallSteps, type WrapperFiles } from './service-steps';

export interface ServiceAdminOptions {
  platform?: NodeJS.Platform;
  run?: RunCommand;
  log?: (line: string) => void;
}

function requireWindows(platform: NodeJS.Platform): void {
  if (platform !== 'win32') {
    throw new BerthError(
      'INVALID_PAYLOAD',
      "service mode is for Windows; elsewhere run 'berth-agent run' under the system's own service manager (systemd, launchd)",
    );
  }
}

export async function queryService(options: ServiceAdminOptions = {}): Promise<ServiceState> {
  if ((options.platform ?? process.platform) !== 'win32') return 'not-installed';
  const step = statusStep();
  const outcome = await (options.run ?? runCommand)(step.file, step.args);
  return parseServiceQuery(outcome.code, outcome.output);
}

/** Installs and starts the service; an installed one is replaced, so a new path or version takes effect. */
export async function installService(definition: ServiceDefinition, wrapper: () => WrapperFiles, options: ServiceAdminOptions = {}): Promise<void> {
  requireWindows(options.platform ?? process.platform);
  const files = wrapper();
  if ((await queryService(options)) !== 'not-installed') await runServiceSteps(uninstallSteps(definition), options.run, options.log);
  await runServiceSteps(installSteps(definition, files), options.run, options.log);
}

/** Stops the service (its slots' shutdown commands run, their desired state is kept) and removes it. */
export async function uninstallService(definition: ServiceDefinition, options: ServiceAdminOptions = {}): Promise<boolean> {
  requireWindows(options.platform ?? process.platform);
  if ((await queryService(options)) === 'not-installed') return false;
  await runServiceSteps(uninstallSteps(definition), options.run, options.log);
  return true;
}
