import { KeychainSecretStore, type SecretStore } from '../secrets';

/**
 * The service's own keychain entries. As a service the agent runs as its own account (NT SERVICE\berth-agent
 * by default), so these live in that account's credential store, out of every user's reach; the
 * distinct name keeps them apart from a desktop agent's entries where both run as the same account
 * (the service's run command started by hand, as the tests do).
 */
export const SERVICE_KEYCHAIN = 'Berth service';

export function serviceSecretStore(): SecretStore {
  return new KeychainSecretStore(SERVICE_KEYCHAIN);
}
