import { SERVICE_ID } from '../protocol/desktop';
import { folderAclSteps, inheritOnlySteps, takeOverRootSteps } from './service-acl';
import type { ServiceAccount } from './service-account';
import { winswConfigXml, type ServiceDefinition } from './service-definition';

/** `timeoutMs`: longer than the usual 3 minutes, for a command that walks the whole storage. */
export type RunStep = { kind: 'run'; file: string; args: string[]; mayFail?: boolean; timeoutMs?: number };

/** One thing an install or uninstall does, as data: the tests read the plan, `runServiceSteps` carries it out. */
export type ServiceStep =
  | { kind: 'mkdir'; path: string }
  | { kind: 'copy'; from: string; to: string }
  /** A folder, link targets copied as files: nothing in `bin` may point back at where the user can write. */
  | { kind: 'copy-tree'; from: string; to: string }
  | { kind: 'write'; path: string; content: string }
  | { kind: 'remove'; path: string }
  /** A folder and everything in it; a link is removed, never followed. */
  | { kind: 'remove-tree'; path: string }
  /** Stops the install when one of these is a symbolic link or junction: planted before the first install, it would lead the service's files elsewhere. */
  | { kind: 'refuse-links'; paths: string[] }
  /** `mayFail`: a step whose failure is expected in some states (stopping a service that is not running). */
  | RunStep
  /** WinSW's `stop` returns before the service has stopped; removing it meanwhile leaves it marked for deletion. */
  | { kind: 'wait-stopped'; timeoutMs: number };

/** Where node-windows keeps the WinSW wrapper (winsw.exe and its .exe.config). */
export interface WrapperFiles {
  exe: string;
  config: string;
}

/** `%SystemRoot%`: system tools by full path, never by a search that could find a planted sc.exe in the current folder. */
export function systemRootOf(env: NodeJS.ProcessEnv = process.env): string {
  return env['SystemRoot'] ?? 'C:\\Windows';
}

function sc(systemRoot: string, args: string[], mayFail = false): RunStep {
  return { kind: 'run', file: `${systemRoot}\\System32\\sc.exe`, args, ...(mayFail ? { mayFail } : {}) };
}

// What a service needs to run programs; without the rest (SeImpersonatePrivilege above all) a slot
// cannot borrow a more privileged token ("potato" attacks).
export const SERVICE_PRIVILEGES = ['SeChangeNotifyPrivilege', 'SeCreateGlobalPrivilege'] as const;

/** Sets the account, then makes the service start at boot: never automatic while it is still LocalSystem. */
export function accountSteps(systemRoot: string, id: string, account: ServiceAccount): RunStep[] {
  return [
    // A virtual account needs the service's own SID in its token.
    sc(systemRoot, ['sidtype', id, 'unrestricted']),
    sc(systemRoot, ['config', id, 'obj=', account.name, 'password=', '', 'start=', 'auto']),
    sc(systemRoot, ['privs', id, SERVICE_PRIVILEGES.join('/')]),
  ];
}

export function installSteps(definition: ServiceDefinition, wrapper: WrapperFiles, systemRoot: string): ServiceStep[] {
  const { layout } = definition;
  return [
    { kind: 'refuse-links', paths: [layout.root, layout.storage, layout.logs] },
    { kind: 'mkdir', path: layout.root },
    ...takeOverRootSteps(systemRoot, layout),
    // Rebuilt on every install: whatever else sits beside the wrapper (a planted DLL) goes.
    { kind: 'remove-tree', path: layout.service },
    { kind: 'remove-tree', path: layout.access },
    ...[layout.service, layout.bin, layout.storage, layout.logs, layout.access].map((path): ServiceStep => ({ kind: 'mkdir', path })),
    ...folderAclSteps(systemRoot, layout, definition.account, definition.user),
    { kind: 'copy', from: wrapper.exe, to: layout.files.exe },
    { kind: 'copy', from: wrapper.config, to: layout.files.config },
    { kind: 'write', path: layout.files.xml, content: winswConfigXml(definition) },
    ...definition.program.map((copy): ServiceStep => (copy.tree ? { kind: 'copy-tree', from: copy.from, to: copy.to } : { kind: 'copy', from: copy.from, to: copy.to })),
    // The copies take their folder's ACL, whatever the copy carried over from the user's folder.
    ...inheritOnlySteps(systemRoot, layout),
    { kind: 'run', file: layout.files.exe, args: ['install'] },
    ...accountSteps(systemRoot, definition.id, definition.account),
    { kind: 'run', file: layout.files.exe, args: ['start'] },
  ];
}

/**
 * Stopping runs every slot's shutdown commands and keeps their desired state, as a quit does. The
 * storage and the logs stay (a later install finds the slots again); the program and the access
 * folder go.
 */
export function uninstallSteps(definition: ServiceDefinition): ServiceStep[] {
  const { layout } = definition;
  return [
    { kind: 'run', file: layout.files.exe, args: ['stop'], mayFail: true },
    // The slots' shutdown commands run meanwhile: as long as the service's own stop timeout, and a little more.
    { kind: 'wait-stopped', timeoutMs: (definition.stopTimeoutSeconds + 30) * 1000 },
    { kind: 'run', file: layout.files.exe, args: ['uninstall'] },
    { kind: 'remove-tree', path: layout.service },
    { kind: 'remove-tree', path: layout.access },
  ];
}

/** The service manager's view of the service; parseServiceQuery reads its output. */
export function statusStep(systemRoot: string = systemRootOf()): RunStep {
  return sc(systemRoot, ['query', SERVICE_ID], true);
}
