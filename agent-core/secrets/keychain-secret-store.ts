import keytar from 'keytar';
import { keychainError } from './keychain-error';
import type { SecretStore } from './secret-store';

/** The OS keychain (macOS Keychain, Windows Credential Manager, a Linux Secret Service) through keytar. */
export class KeychainSecretStore implements SecretStore {
  constructor(
    readonly serviceName = 'Berth',
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  get(account: string): Promise<string | null> {
    return this.call(`read the secret '${account}'`, () => keytar.getPassword(this.serviceName, account));
  }

  set(account: string, value: string): Promise<void> {
    return this.call(`store the secret '${account}'`, () => keytar.setPassword(this.serviceName, account, value));
  }

  delete(account: string): Promise<boolean> {
    return this.call(`delete the secret '${account}'`, () => keytar.deletePassword(this.serviceName, account));
  }

  async accounts(): Promise<string[]> {
    const credentials = await this.call(`list the secrets of ${this.serviceName}`, () => keytar.findCredentials(this.serviceName));
    return credentials.map((credential) => credential.account);
  }

  private async call<T>(action: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw keychainError(action, error, this.platform);
    }
  }
}
