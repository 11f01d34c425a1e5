import { keychainError } from './keychain-error';
import type { SecretStore } from './secret-store';

type Keytar = typeof import('keytar');

/**
 * The OS keychain (macOS Keychain, Windows Credential Manager, a Linux Secret Service) through keytar,
 * loaded on first use: with the key in BERTH_API_KEY and no slot secrets, an agent never needs it,
 * nor the keychain libraries it maps in.
 */
export class KeychainSecretStore implements SecretStore {
  constructor(
    readonly serviceName = 'Berth',
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  get(account: string): Promise<string | null> {
    return this.call(`read the secret '${account}'`, (keytar) => keytar.getPassword(this.serviceName, account));
  }

  set(account: string, value: string): Promise<void> {
    return this.call(`store the secret '${account}'`, (keytar) => keytar.setPassword(this.serviceName, account, value));
  }

  delete(account: string): Promise<boolean> {
    return this.call(`delete the secret '${account}'`, (keytar) => keytar.deletePassword(this.serviceName, account));
  }

  async accounts(): Promise<string[]> {
    const credentials = await this.call(`list the secrets of ${this.serviceName}`, (keytar) => keytar.findCredentials(this.serviceName));
    return credentials.map((credential) => credential.account);
  }

  private async call<T>(action: string, operation: (keytar: Keytar) => Promise<T>): Promise<T> {
    try {
      return await operation((await import('keytar')).default);
    } catch (error) {
      throw keychainError(action, error, this.platform);
    }
  }
}
