export type { SecretStore } from './secret-store';
export { KeychainSecretStore } from './keychain-secret-store';
export { keychainHint } from './keychain-error';
export { SlotSpecVault } from './spec-vault';
export { specSecrets, REDACTED } from './spec-secrets';
export { ApiKeyStore, API_KEY_ACCOUNT, API_KEY_ENV, validateApiKey, type ApiKey } from './api-key';
