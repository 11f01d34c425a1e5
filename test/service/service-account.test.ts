import { describe, expect, it } from 'vitest';
import { accountPrincipal, parseInstallingUser, parseServiceAccount, serviceSid } from '../../agent-core/service';

describe('service account', () => {
  it('derives a service’s SID from its name as Windows does', () => {
    // Windows' own: NT SERVICE\TrustedInstaller.
    expect(serviceSid('TrustedInstaller')).toBe('S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464');
    expect(serviceSid('berth-agent')).toBe(serviceSid('BERTH-AGENT'));
  });

  it('runs as its own virtual account unless told otherwise', () => {
    const account = parseServiceAccount(undefined);
    expect(account).toEqual({ kind: 'virtual', name: 'NT SERVICE\\berth-agent', sid: serviceSid('berth-agent') });
    expect(accountPrincipal(account)).toBe(`*${serviceSid('berth-agent')}`);
    expect(parseServiceAccount('NT SERVICE\\berth-agent')).toEqual(account);
  });

  it('takes LocalService or a group managed service account', () => {
    expect(parseServiceAccount('LocalService')).toEqual({ kind: 'local-service', name: 'NT AUTHORITY\\LocalService', sid: 'S-1-5-19' });
    expect(parseServiceAccount('NT AUTHORITY\\LocalService').kind).toBe('local-service');
    expect(parseServiceAccount('CONTOSO\\berth-svc$')).toEqual({ kind: 'managed', name: 'CONTOSO\\berth-svc$' });
    expect(accountPrincipal(parseServiceAccount('CONTOSO\\berth-svc$'))).toBe('CONTOSO\\berth-svc$');
  });

  it('refuses LocalSystem, an account with a password, and names that are not accounts', () => {
    expect(() => parseServiceAccount('LocalSystem')).toThrow(/never runs as LocalSystem/);
    expect(() => parseServiceAccount('CONTOSO\\ada')).toThrow(/Log On tab/);
    expect(() => parseServiceAccount('CONTOSO\\a" /grant Everyone:F $')).toThrow(/not an account/);
  });

  it('names the installing user from the command line, else from who runs it', () => {
    expect(parseInstallingUser('PC-7\\Ada Lovelace')).toBe('PC-7\\Ada Lovelace');
    expect(parseInstallingUser(undefined, { USERDOMAIN: 'PC-7', USERNAME: 'ada' })).toBe('PC-7\\ada');
    expect(() => parseInstallingUser(undefined, {})).toThrow(/--user DOMAIN\\name/);
    expect(() => parseInstallingUser('Everyone:(F)')).toThrow(/not a user name/);
  });
});
