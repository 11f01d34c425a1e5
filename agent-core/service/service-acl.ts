import { accountPrincipal, SIDS, type ServiceAccount } from './service-account';
import type { ServiceLayout } from './service-layout';
import type { RunStep } from './service-steps';

/** icacls's inheritable grants: this folder, its subfolders and files. */
const TREE = '(OI)(CI)';

function grant(principal: string, rights: string, inherit = TREE): string {
  return `${principal}:${inherit}(${rights})`;
}

const WHOLE_TREE_TIMEOUT_MS = 30 * 60_000;

const ADMINS_AND_SYSTEM = [grant(`*${SIDS.system}`, 'F'), grant(`*${SIDS.administrators}`, 'F')];

export function icacls(systemRoot: string, args: string[]): RunStep {
  return { kind: 'run', file: `${systemRoot}\\System32\\icacls.exe`, args };
}

/** Replaces a folder's ACL with exactly these grants: inherited entries removed, existing entries for these principals replaced. */
function setAcl(systemRoot: string, folder: string, grants: string[]): RunStep {
  return icacls(systemRoot, [folder, '/inheritance:r', '/grant:r', ...grants, '/Q']);
}

/**
 * `%ProgramData%` lets every user create a folder there and own it, so `Berth` may exist before the
 * first install, planted. Everything below the root is taken over first (owner Administrators,
 * explicit entries dropped; /L acts on a link itself, never on its target), then the root gets an
 * ACL of its own that lets users list it and nothing more.
 */
export function takeOverRootSteps(systemRoot: string, layout: ServiceLayout): RunStep[] {
  // These walk the storage too: every slot's working copies, on a reinstall.
  const wholeTree = { timeoutMs: WHOLE_TREE_TIMEOUT_MS };
  return [
    { ...icacls(systemRoot, [layout.root, '/setowner', `*${SIDS.administrators}`, '/T', '/C', '/L', '/Q']), ...wholeTree },
    { ...icacls(systemRoot, [layout.root, '/reset', '/T', '/C', '/L', '/Q']), ...wholeTree },
    setAcl(systemRoot, layout.root, [...ADMINS_AND_SYSTEM, grant(`*${SIDS.users}`, 'RX', '')]),
  ];
}

/**
 * Each folder's ACL, after the root's. The service's account can change its storage, logs and the
 * access folder, and only read the program it runs; users read and run the program; the installing
 * user reads the logs and the access folder; no one else has anything.
 */
export function folderAclSteps(systemRoot: string, layout: ServiceLayout, account: ServiceAccount, user: string): RunStep[] {
  const service = accountPrincipal(account);
  return [
    setAcl(systemRoot, layout.service, [...ADMINS_AND_SYSTEM, grant(service, 'RX'), grant(`*${SIDS.users}`, 'RX')]),
    setAcl(systemRoot, layout.storage, [...ADMINS_AND_SYSTEM, grant(service, 'F')]),
    setAcl(systemRoot, layout.logs, [...ADMINS_AND_SYSTEM, grant(service, 'M'), grant(user, 'RX')]),
    setAcl(systemRoot, layout.access, [...ADMINS_AND_SYSTEM, grant(service, 'M'), grant(user, 'R')]),
  ];
}

/** Makes the wrapper's files and the program's copy take exactly the service folder's ACL. */
export function inheritOnlySteps(systemRoot: string, layout: ServiceLayout): RunStep[] {
  return [
    icacls(systemRoot, [layout.bin, '/reset', '/T', '/C', '/L', '/Q']),
    icacls(systemRoot, [`${layout.files.exe.slice(0, -'.exe'.length)}.*`, '/reset', '/L', '/Q']),
  ];
}
