import { createHash } from 'node:crypto';
import { BerthError } from '../protocol';
import { SERVICE_ID } from '../protocol/desktop';

/**
 * Who the service runs as. Never LocalSystem: by default its own virtual account, which holds
 * nothing but what Berth's folders grant it. A group managed service account (`DOMAIN\name$`) when
 * slots need domain resources; no account with a password, which Berth would have to keep.
 */
export type ServiceAccount =
  | { kind: 'virtual'; name: string; sid: string }
  | { kind: 'local-service'; name: string; sid: string }
  | { kind: 'managed'; name: string };

export const SIDS = {
  system: 'S-1-5-18',
  localService: 'S-1-5-19',
  administrators: 'S-1-5-32-544',
  users: 'S-1-5-32-545',
} as const;

/**
 * A service's SID, as Windows derives it from the service's name (S-1-5-80 and the SHA-1 of the
 * upper-case name in UTF-16LE): the folders can be granted to the account before the service exists.
 */
export function serviceSid(serviceName: string): string {
  const hash = createHash('sha1').update(Buffer.from(serviceName.toUpperCase(), 'utf16le')).digest();
  const parts = [0, 4, 8, 12, 16].map((offset) => hash.readUInt32LE(offset));
  return `S-1-5-80-${parts.join('-')}`;
}

export function virtualAccount(serviceName: string = SERVICE_ID): ServiceAccount {
  return { kind: 'virtual', name: `NT SERVICE\\${serviceName}`, sid: serviceSid(serviceName) };
}

const ACCOUNT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\\[A-Za-z0-9][A-Za-z0-9._ -]{0,63}$/;

/** `--account`: absent for the virtual account, `LocalService`, or a gMSA as `DOMAIN\name$`. */
export function parseServiceAccount(value: string | undefined): ServiceAccount {
  if (value === undefined || value === '' || value.toLowerCase() === `nt service\\${SERVICE_ID}`) return virtualAccount();
  if (/^(nt authority\\)?local ?service$/i.test(value)) return { kind: 'local-service', name: 'NT AUTHORITY\\LocalService', sid: SIDS.localService };
  if (/^(nt authority\\)?system$|^localsystem$/i.test(value)) {
    throw new BerthError('INVALID_PAYLOAD', 'the service never runs as LocalSystem: its slots would run with full control of the machine');
  }
  if (value.endsWith('$') && ACCOUNT_NAME.test(value.slice(0, -1))) return { kind: 'managed', name: value };
  throw new BerthError(
    'INVALID_PAYLOAD',
    `'${value}' is not an account the service can run as: use LocalService or a group managed service account ('DOMAIN\\name$'); ` +
      'for an account with a password, install with the default account and set it in Services (services.msc), Log On tab',
  );
}

/** How icacls names the account: by SID where it is known, which needs no lookup. */
export function accountPrincipal(account: ServiceAccount): string {
  return account.kind === 'managed' ? account.name : `*${account.sid}`;
}

/**
 * The person whose tray drives the service: granted read on the access folder (the local API's
 * token) and the logs. Named explicitly, since an administrator may approve the Windows prompt
 * with their own account: the elevated process is then theirs, not the user's.
 */
export function parseInstallingUser(value: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const user = value ?? (env['USERNAME'] ? `${env['USERDOMAIN'] ?? '.'}\\${env['USERNAME']}` : '');
  if (!ACCOUNT_NAME.test(user)) {
    throw new BerthError('INVALID_PAYLOAD', `'${user}' is not a user name: pass the user whose Berth drives the service as --user DOMAIN\\name`);
  }
  return user;
}
