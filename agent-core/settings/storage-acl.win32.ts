import { win32 } from 'node:path';

export interface AclCommand {
  file: string;
  args: string[];
}

export interface WindowsAccount {
  /** `USERDOMAIN`, or null on a machine that reports none. */
  domain: string | null;
  user: string;
  /** `SystemRoot`, where icacls.exe lives. */
  systemRoot: string;
}

// Well-known SIDs, not names: names are translated ("Administratoren", "Système") on other languages.
const SYSTEM = '*S-1-5-18';
const ADMINISTRATORS = '*S-1-5-32-544';
const BROAD_GROUPS = ['*S-1-1-0', '*S-1-5-11', '*S-1-5-32-545']; // Everyone, Authenticated Users, Users
const FULL_INHERITED = ':(OI)(CI)F';

/**
 * The icacls calls that make the storage folder private on Windows: inheritance from the profile
 * folder is cut (/inheritance:r) and replaced (/grant:r) by full control for the agent's user,
 * SYSTEM and Administrators, inherited by every file and folder below (OI)(CI); then any explicit
 * grant to Everyone, Authenticated Users or Users is removed. SYSTEM and Administrators stay
 * because an administrator can take ownership of any file anyway, so shutting them out protects
 * nothing, while it would break backup, antivirus scanning and an administrator's repair. Every
 * other account, other users included, gets no access.
 */
export function storageAclCommands(storagePath: string, account: WindowsAccount): AclCommand[] {
  const icacls = win32.join(account.systemRoot, 'System32', 'icacls.exe');
  const user = account.domain ? `${account.domain}\\${account.user}` : account.user;
  return [
    {
      file: icacls,
      args: [storagePath, '/inheritance:r', '/grant:r', `${user}${FULL_INHERITED}`, `${SYSTEM}${FULL_INHERITED}`, `${ADMINISTRATORS}${FULL_INHERITED}`, '/Q'],
    },
    { file: icacls, args: [storagePath, '/remove:g', ...BROAD_GROUPS, '/Q'] },
  ];
}
