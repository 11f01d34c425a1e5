import { parseArgs } from 'node:util';
import { ApiKeyStore, KeychainSecretStore } from '../../secrets';
import type { CliCommand } from '../cli-command';

export const logoutCommand: CliCommand = {
  name: 'logout',
  summary: 'remove the API key from the OS keychain',
  usage: `berth-agent logout

Removes the API key from the OS keychain: the agent no longer gets into the control plane.`,
  async run(argv) {
    parseArgs({ args: argv, options: {}, strict: true });
    const removed = await new ApiKeyStore(new KeychainSecretStore()).remove();
    process.stdout.write(removed ? 'API key removed from the OS keychain\n' : 'no API key was stored\n');
    return 0;
  },
};
