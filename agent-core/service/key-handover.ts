import type { LocalApiClient } from '../protocol/local-api';
import type { ApiKeyAccess } from '../local-api';

export type HandoverOutcome = 'handed-over' | 'service-has-key' | 'no-key';

/**
 * The API key the user entered while the agent ran inside the desktop app sits in the user's
 * keychain, which the service cannot read: when the service has none, the desktop side hands it
 * over through the service's local API, which stores it in the service's own credential store.
 */
export async function handOverApiKey(userKeys: Pick<ApiKeyAccess, 'read'>, service: LocalApiClient): Promise<HandoverOutcome> {
  const settings = await service.call('settings.get');
  if (settings.apiKey !== 'none') return 'service-has-key';
  const key = await userKeys.read();
  if (key === null || key.source !== 'keychain') return 'no-key';
  await service.call('apiKey.set', { apiKey: key.value });
  return 'handed-over';
}
