import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { API_KEY_ACCOUNT, ApiKeyStore, KeychainSecretStore, validateApiKey } from '../../agent-core/secrets';
import { BerthError } from '../../agent-core/protocol';

/** The real OS keychain, under a service name of this test's own. */
function keychain(): KeychainSecretStore {
  const store = new KeychainSecretStore(`berth-test-${randomUUID()}`);
  stores.push(store);
  return store;
}

const stores: KeychainSecretStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) for (const account of await store.accounts()) await store.delete(account);
});

describe('api key', () => {
  it('keeps the key in the keychain account api-key, trimmed of the newline a paste brings', async () => {
    const secrets = keychain();
    const keys = new ApiKeyStore(secrets, {});
    await keys.save('bk_live_123\n');
    expect(await secrets.get(API_KEY_ACCOUNT)).toBe('bk_live_123');
    expect(await keys.read()).toEqual({ value: 'bk_live_123', source: 'keychain' });
    expect(await keys.remove()).toBe(true);
    expect(await keys.read()).toBeNull();
    expect(await keys.remove()).toBe(false);
  });

  it('lets BERTH_API_KEY win over the keychain', async () => {
    const secrets = keychain();
    await secrets.set(API_KEY_ACCOUNT, 'from-keychain');
    expect(await new ApiKeyStore(secrets, { BERTH_API_KEY: 'from-env' }).read()).toEqual({ value: 'from-env', source: 'env' });
    expect(await new ApiKeyStore(secrets, { BERTH_API_KEY: '' }).read()).toEqual({ value: 'from-keychain', source: 'keychain' });
  });

  it('refuses a key that cannot travel in a header, without repeating it', () => {
    expect(() => validateApiKey('   ')).toThrow(BerthError);
    for (const bad of ['two words', 'line\nbreak', 'clé']) {
      try {
        validateApiKey(bad);
        expect.unreachable();
      } catch (error) {
        expect((error as Error).message).not.toContain(bad);
      }
    }
  });
});
