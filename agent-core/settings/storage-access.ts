import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { securePosixStorage } from './storage-access.posix';
import { storageAclCommands } from './storage-acl.win32';

/**
 * Makes the storage folder readable and writable by the agent's user only: modes on Linux and
 * macOS, an owner-only ACL on Windows. Run at every start, so a tree an older version left open is
 * closed too. Returns a warning to show when a change was refused, instead of not starting.
 */
export function secureStorage(storagePath: string, options: { windowsAcl: boolean } = { windowsAcl: true }): string | null {
  if (process.platform !== 'win32') {
    const failed = securePosixStorage(storagePath);
    if (failed.length === 0) return null;
    return `${failed.length} entries of the storage folder could not be made private to this user (${failed.slice(0, 3).join(', ')}${failed.length > 3 ? ', …' : ''}); change their owner or mode by hand`;
  }
  if (!options.windowsAcl) return null;
  const account = {
    domain: process.env.USERDOMAIN ?? null,
    user: process.env.USERNAME ?? userInfo().username,
    systemRoot: process.env.SystemRoot ?? 'C:\\Windows',
  };
  try {
    for (const command of storageAclCommands(storagePath, account)) {
      execFileSync(command.file, command.args, { stdio: 'ignore', windowsHide: true, timeout: 60_000 });
    }
    return null;
  } catch (error) {
    return `the storage folder ${storagePath} could not be made private to ${account.user} (${(error as Error).message}); other accounts on this machine may read it`;
  }
}
