import { agentVersion } from '../connection/agent-version';
import { LocalApiServer, controlPlaneConnection, serveMessagePort } from '../local-api';
import { AgentRuntime } from '../runtime';
import { ApiKeyStore, KeychainSecretStore, type SecretStore } from '../secrets';
import { keepAgentAlive } from '../events';
import { isDiskFull } from '../store';
import { logAgentEvents } from './agent-log';
import { receiveFromMain, tellMain, type ParentPortLike } from './parent-port';

export interface EmbeddedAgentOptions {
  storagePath: string;
  secretStore?: SecretStore;
  version?: string;
  log(line: string): void;
}

/**
 * The agent inside the desktop app: the same AgentRuntime the CLI hosts, serving the local API on
 * each MessagePort main hands over (one for main itself, one per window). Resolves once a `stop`
 * from main has stopped every slot (keeping their desired state) and the process may exit.
 */
export async function hostEmbeddedAgent(parent: ParentPortLike, options: EmbeddedAgentOptions): Promise<void> {
  const secrets = options.secretStore ?? new KeychainSecretStore();
  const runtime = await AgentRuntime.create({ storagePath: options.storagePath, secretStore: secrets });
  logAgentEvents(runtime.events, options.log);
  const unguard = keepAgentAlive(runtime.events, (error) => {
    if (isDiskFull(error)) runtime.storage.diskFull();
  });
  const server = await LocalApiServer.create({
    agent: runtime,
    apiKeys: new ApiKeyStore(secrets),
    connection: controlPlaneConnection(runtime.controlPlane, (error) => runtime.events.warn(`reconnecting to the control plane failed: ${error.message}`)),
    version: options.version ?? agentVersion(),
  });
  let stopping: Promise<void> | null = null;
  const stopped = new Promise<void>((resolve, reject) => {
    receiveFromMain(
      parent,
      {
        connect: (port) => {
          if (!stopping) serveMessagePort(server, port);
          else port.close();
        },
        stop: () => {
          runtime.events.info('the desktop app is quitting: stopping every slot (their desired state is kept)');
          stopping ??= runtime.stop().then(() => {
            server.close();
            tellMain(parent, { type: 'stopped' });
          });
          stopping.then(resolve, reject);
        },
      },
      (message) => runtime.events.warn(message),
    );
  });
  try {
    await runtime.start();
  } catch (error) {
    server.close();
    await runtime.stop();
    unguard();
    throw error;
  }
  tellMain(parent, { type: 'ready', mode: 'embedded' });
  return stopped.finally(unguard);
}
