import { win32, type PlatformPath } from 'node:path';
import { SERVICE_ID, SERVICE_ROOT_FOLDER } from '../protocol/desktop';

/**
 * The service's per-machine folders, all under `%ProgramData%\Berth`. Each has its own ACL
 * (service-acl.ts): nothing here is writable by a standard user once the install has run.
 */
export interface ServiceLayout {
  /** `%ProgramData%\Berth`: administrators and SYSTEM only; users may list it. */
  root: string;
  /** The WinSW wrapper and its XML, and `bin`: the service's account and users read and execute only. */
  service: string;
  /** The copy of the program the service runs (the app's folder, or node.exe and the agent's package). */
  bin: string;
  /** The agent's storage: database, slots, logs, settings, the local API's own token. The user: nothing. */
  storage: string;
  /** WinSW's and the agent's logs: the installing user may read them. */
  logs: string;
  /** The local API's endpoint and token, mirrored by the service for the installing user alone (read only). */
  access: string;
  /** WinSW reads the XML named after its own executable: berth-agent.exe reads berth-agent.xml beside it. */
  files: { exe: string; config: string; xml: string };
}

export function serviceRoot(env: NodeJS.ProcessEnv = process.env): string {
  return win32.join(env['ProgramData'] ?? 'C:\\ProgramData', ...SERVICE_ROOT_FOLDER);
}

/**
 * Pure: the same answer on every OS. `path` is Windows' unless a test that really creates these
 * folders on another OS passes that OS's (the runner refuses a path that is not absolute here).
 */
export function serviceLayout(root: string, path: Pick<PlatformPath, 'join'> = win32): ServiceLayout {
  const service = path.join(root, 'service');
  const base = path.join(service, SERVICE_ID);
  return {
    root,
    service,
    bin: path.join(service, 'bin'),
    storage: path.join(root, 'storage'),
    logs: path.join(root, 'logs'),
    access: path.join(root, 'access'),
    files: { exe: `${base}.exe`, config: `${base}.exe.config`, xml: `${base}.xml` },
  };
}
