import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { KeychainSecretStore, keychainHint } from '../../agent-core/secrets';
import { runTsxScript } from '../fixtures/tsx-script';

const keychain = new KeychainSecretStore(`Berth-test-${randomUUID()}`);
afterEach(async () => {
  for (const account of await keychain.accounts()) await keychain.delete(account);
});

describe('keychain secret store', () => {
  it('stores, reads back and deletes a secret in the OS keychain', async () => {
    expect(await keychain.get('api-key')).toBeNull();
    await keychain.set('api-key', 'bk_live_5f3a');
    await keychain.set('slot/slot_1/repository.token', 'ghp_round_trip');
    expect(await keychain.get('api-key')).toBe('bk_live_5f3a');
    expect((await keychain.accounts()).sort()).toEqual(['api-key', 'slot/slot_1/repository.token']);

    await keychain.set('api-key', 'bk_live_rotated');
    expect(await keychain.get('api-key')).toBe('bk_live_rotated');
    expect(await keychain.delete('api-key')).toBe(true);
    expect(await keychain.delete('api-key')).toBe(false);
    expect(await keychain.get('api-key')).toBeNull();
  });

  it('keeps the secrets of one service apart from another’s', async () => {
    const other = new KeychainSecretStore(`Berth-test-${randomUUID()}`);
    await keychain.set('api-key', 'mine');
    expect(await other.get('api-key')).toBeNull();
    expect(await other.accounts()).toEqual([]);
  });

  it.runIf(process.platform === 'linux')('says to start a Secret Service when the keychain cannot be reached', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/berth-test-bus' };
    delete env.DISPLAY;
    const probe = runTsxScript('keychain-probe.ts', [`Berth-test-${randomUUID()}`], env);
    const exit = await probe.exited;
    expect(exit.code).toBe(0);
    const outcome = JSON.parse(probe.lines[0]) as { ok: boolean; name: string; code: string; message: string };
    expect(outcome).toMatchObject({ ok: false, name: 'BerthError', code: 'INTERNAL' });
    expect(outcome.message).toMatch(/could not read the secret 'probe' in the OS keychain/);
    expect(outcome.message).toMatch(/Secret Service/);
    expect(outcome.message).toMatch(/gnome-keyring/);
  });

  it('tells people on every platform what to do about an unreachable keychain', () => {
    expect(keychainHint('darwin')).toMatch(/Keychain Access/);
    expect(keychainHint('win32')).toMatch(/Credential Manager/);
    expect(keychainHint('linux')).toMatch(/Secret Service/);
  });
});
