import { BerthError } from '../protocol';
import { rememberSecrets } from '../runner/known-secrets';
import type { SecretStore } from './secret-store';

/** The keychain account that holds the control plane's API key. */
export const API_KEY_ACCOUNT = 'api-key';
/** An API key in the environment wins over the keychain's, for containers and CI. */
export const API_KEY_ENV = 'BERTH_API_KEY';

export interface ApiKey {
  value: string;
  source: 'env' | 'keychain';
}

/** Checks a key before it is stored or sent: it goes into an HTTP header, so it is one line of visible characters. */
export function validateApiKey(raw: string): string {
  const key = raw.trim();
  if (key === '') throw new BerthError('INVALID_PAYLOAD', 'the API key is empty; paste the key the control plane showed when the host was added');
  if (!/^[\x21-\x7e]+$/.test(key)) {
    throw new BerthError('INVALID_PAYLOAD', 'the API key contains spaces, line breaks or non-ASCII characters; copy it again from the control plane');
  }
  return key;
}

/** The control plane's API key: from BERTH_API_KEY, else from the OS keychain. Never logged, never in settings.json. */
export class ApiKeyStore {
  constructor(
    private readonly secrets: SecretStore,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    // Masked in every log from the start: a slot could print it even before the agent first connects.
    rememberSecrets([env[API_KEY_ENV]?.trim()]);
  }

  async read(): Promise<ApiKey | null> {
    const fromEnv = this.env[API_KEY_ENV];
    if (fromEnv !== undefined && fromEnv.trim() !== '') return { value: validateApiKey(fromEnv), source: 'env' };
    const stored = await this.secrets.get(API_KEY_ACCOUNT);
    rememberSecrets([stored]);
    return stored === null || stored === '' ? null : { value: stored, source: 'keychain' };
  }

  async save(raw: string): Promise<void> {
    const key = validateApiKey(raw);
    rememberSecrets([key]);
    await this.secrets.set(API_KEY_ACCOUNT, key);
  }

  /** False when no key was stored. */
  remove(): Promise<boolean> {
    return this.secrets.delete(API_KEY_ACCOUNT);
  }
}
