import { parseArgs } from 'node:util';
import { ApiKeyStore, KeychainSecretStore } from '../../secrets';

export const LOGOUT_USAGE = `berth-agent logout

Removes the API key from the OS keychain; the agent stops connecting to the control plane.`;

/** `berth-agent logout`: forgets the API key. */
export async function logout(argv: string[]): Promise<number> {
  parseArgs({ args: argv, options: {}, strict: true });
  const removed = await new ApiKeyStore(new KeychainSecretStore()).remove();
  process.stdout.write(removed ? 'API key removed from the OS keychain\n' : 'no API key was stored\n');
  return 0;
}
