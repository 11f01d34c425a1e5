import { logAgentEvents } from '../agent-log-printer';
import { openHostedAgent } from '../hosted-agent';
import { LocalApiServer, serveMessagePort } from '../local-api';
import type { SecretStore } from '../secrets';
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
  const agent = await openHostedAgent({
    // Without a store of the test's own, the OS keychain (the runtime's default).
    runtime: { storagePath: options.storagePath, secretStore: options.secretStore },
    log: (events) => logAgentEvents(events, options.log),
    version: options.version,
    startLocalApi: (apiOptions) => LocalApiServer.create(apiOptions),
  });
  let stopping: Promise<void> | null = null;
  const stopped = new Promise<void>((resolve, reject) => {
    receiveFromMain(
      parent,
      {
        connect: (port) => {
          if (!stopping) serveMessagePort(agent.localApi, port);
          else port.close();
        },
        stop: () => {
          agent.runtime.events.info('the desktop app is quitting: stopping every slot (their desired state is kept)');
          stopping ??= agent.stop().then(() => tellMain(parent, { type: 'stopped' }));
          stopping.then(resolve, reject);
        },
      },
      (message) => agent.runtime.events.warn(message),
    );
  });
  await agent.start();
  tellMain(parent, { type: 'ready', mode: 'embedded' });
  return stopped;
}
