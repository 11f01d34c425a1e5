import { basename, dirname, resolve } from 'node:path';
import { parseAgentProcessArgs, type AgentProcessTask } from '../protocol/desktop';
import { ApiKeyStore, KeychainSecretStore, type SecretStore } from '../secrets';
import {
  defineService,
  installService,
  parseInstallingUser,
  parseServiceAccount,
  serviceLayout,
  serviceRoot,
  startServiceAgent,
  uninstallService,
  wrapperFiles,
} from '../service';
import { defaultStoragePath } from '../settings';
import { StorageInUseError } from '../store';
import { hostEmbeddedAgent } from './embedded-agent';
import { bridgeToService } from './service-bridge';
import { receiveFromMain, tellMain, type ParentPortLike } from './parent-port';

export interface AgentProcessOptions {
  env?: NodeJS.ProcessEnv;
  /** The desktop agent's keychain; tests hand one of their own. */
  secretStore?: SecretStore;
  log?: (line: string) => void;
}

/** BERTH_STORAGE lets a test or a portable setup point the desktop app at another folder. */
function storageOf(task: AgentProcessTask, env: NodeJS.ProcessEnv): string {
  return resolve(task.storagePath ?? env['BERTH_STORAGE'] ?? defaultStoragePath());
}

/**
 * Does what main forked this process for, and resolves when the process may exit. Anything that
 * stops it from running is reported to main as `fatal` with a message a person can act on.
 */
export async function runAgentProcess(parent: ParentPortLike, argv: readonly string[], options: AgentProcessOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  try {
    const task = parseAgentProcessArgs(argv);
    const storagePath = storageOf(task, env);
    switch (task.kind) {
      case 'embedded':
        try {
          return await hostEmbeddedAgent(parent, { storagePath, secretStore: options.secretStore, log });
        } catch (error) {
          if (!(error instanceof StorageInUseError)) throw error;
          // `berth-agent run` holds the folder: the app shows and drives that agent instead of a second one.
          log(`${error.message}; the app attaches to it`);
          const userKeys = new ApiKeyStore(options.secretStore ?? new KeychainSecretStore(), env);
          return await (await bridgeToService(parent, { accessPath: storagePath, userKeys, log, mode: 'attached' })).stopped;
        }
      case 'service-client': {
        // The service's folders are per machine; the user's own storage path has no part here.
        const userKeys = new ApiKeyStore(options.secretStore ?? new KeychainSecretStore(), env);
        return await (await bridgeToService(parent, { accessPath: serviceLayout(serviceRoot(env)).access, userKeys, log })).stopped;
      }
      case 'service-host':
        return await hostServiceAgent(parent, storagePath, serviceLayout(serviceRoot(env)).access, log);
      case 'service-command': {
        const definition = defineService({
          host: { kind: 'desktop', appFolder: dirname(task.executable), executableName: basename(task.executable) },
          layout: serviceLayout(serviceRoot(env)),
          account: parseServiceAccount(task.account),
          user: parseInstallingUser(task.user, env),
        });
        if (task.action === 'install') await installService(definition, () => wrapperFiles(), { log });
        else await uninstallService(definition, { log });
        tellMain(parent, { type: 'stopped' });
        return;
      }
    }
  } catch (error) {
    tellMain(parent, { type: 'fatal', message: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

async function hostServiceAgent(parent: ParentPortLike, storagePath: string, accessPath: string, log: (line: string) => void): Promise<void> {
  const agent = await startServiceAgent({ storagePath, accessPath, log });
  const stopped = new Promise<void>((resolveStop, reject) => {
    receiveFromMain(
      parent,
      {
        // The service's clients come over its WebSocket, never over ports.
        connect: (port) => port.close(),
        stop: () => {
          agent.stop().then(() => {
            tellMain(parent, { type: 'stopped' });
            resolveStop();
          }, reject);
        },
      },
      (message) => agent.runtime.events.warn(message),
    );
  });
  tellMain(parent, { type: 'ready', mode: 'service' });
  return stopped;
}
