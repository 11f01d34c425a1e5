import { KeychainSecretStore, type SecretStore } from '../secrets';

/**
 * The service's own keychain entries. As a service the agent runs as LocalSystem, so these live in
 * that account's credential store, out of every user's reach; the distinct name keeps them apart
 * from a desktop agent's entries where both run as the same account (a service installed from a terminal).
 */
export const SERVICE_KEYCHAIN = 'Berth service';

export function serviceSecretStore(): SecretStore {
  return new KeychainSecretStore(SERVICE_KEYCHAIN);
}
