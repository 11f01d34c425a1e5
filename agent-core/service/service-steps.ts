import { SERVICE_ID } from '../protocol/desktop';
import { winswConfigXml, type ServiceDefinition } from './service-definition';

/** One thing an install or uninstall does, as data: the tests read the plan, `runServiceSteps` carries it out. */
export type ServiceStep =
  | { kind: 'mkdir'; path: string }
  | { kind: 'copy'; from: string; to: string }
  | { kind: 'write'; path: string; content: string }
  | { kind: 'remove'; path: string }
  /** `mayFail`: a step whose failure is expected in some states (stopping a service that is not running). */
  | { kind: 'run'; file: string; args: string[]; mayFail?: boolean }
  /** WinSW's `stop` returns before the service has stopped; removing it meanwhile leaves it marked for deletion. */
  | { kind: 'wait-stopped'; timeoutMs: number };

/** Where node-windows keeps the WinSW wrapper (winsw.exe and its .exe.config). */
export interface WrapperFiles {
  exe: string;
  config: string;
}

export function installSteps(definition: ServiceDefinition, wrapper: WrapperFiles): ServiceStep[] {
  const paths = definition.files;
  return [
    { kind: 'mkdir', path: definition.directory },
    { kind: 'mkdir', path: definition.logDirectory },
    { kind: 'copy', from: wrapper.exe, to: paths.exe },
    { kind: 'copy', from: wrapper.config, to: paths.config },
    { kind: 'write', path: paths.xml, content: winswConfigXml(definition) },
    { kind: 'run', file: paths.exe, args: ['install'] },
    { kind: 'run', file: paths.exe, args: ['start'] },
  ];
}

/** Stopping runs every slot's shutdown commands and keeps their desired state, as a quit does. */
export function uninstallSteps(definition: ServiceDefinition): ServiceStep[] {
  const paths = definition.files;
  return [
    { kind: 'run', file: paths.exe, args: ['stop'], mayFail: true },
    // The slots' shutdown commands run meanwhile: as long as the service's own stop timeout, and a little more.
    { kind: 'wait-stopped', timeoutMs: (definition.stopTimeoutSeconds + 30) * 1000 },
    { kind: 'run', file: paths.exe, args: ['uninstall'] },
    { kind: 'remove', path: paths.xml },
    { kind: 'remove', path: paths.exe },
    { kind: 'remove', path: paths.config },
  ];
}

/** The service manager's view of the service; parseServiceQuery reads its output. */
export function statusStep(): Extract<ServiceStep, { kind: 'run' }> {
  return { kind: 'run', file: 'sc.exe', args: ['query', SERVICE_ID], mayFail: true };
}
