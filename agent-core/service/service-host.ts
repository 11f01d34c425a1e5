import { logAgentEvents, streamWriter } from '../agent-log-printer';
import { openHostedAgent } from '../hosted-agent';
import { startHeadlessLocalApi, type HeadlessLocalApi, type LocalApiServerOptions } from '../local-api';
import { mirrorLocalApiAccess } from './access-mirror';
import type { AgentRuntime } from '../runtime';
import type { SecretStore } from '../secrets';
import { serviceSecretStore } from './service-secret-store';

export interface ServiceAgent {
  runtime: AgentRuntime;
  localApi: HeadlessLocalApi;
  /** Stops every slot with its shutdown commands, keeping their desired state, then the local API. */
  stop(): Promise<void>;
}

/**
 * The agent as the Windows service hosts it: like `berth-agent run`, but with the service's own
 * credential store, and its local API (the WebSocket on 127.0.0.1) is what the desktop app's tray
 * and window connect to, with the token the service copies into the access folder.
 */
export async function startServiceAgent(options: {
  storagePath: string;
  /**
   * Where the installing user finds the local API's endpoint and token (`%ProgramData%\Berth\access`,
   * readable by that user alone); the storage folder, which the user cannot read, when absent.
   */
  accessPath?: string;
  secretStore?: SecretStore;
  version?: string;
  /** Where the agent's log lines go; the service wrapper keeps stdout in its log folder. */
  log?: (line: string) => void;
}): Promise<ServiceAgent> {
  const log = options.log ?? stdoutLines();
  const agent = await openHostedAgent({
    // The installer set the storage's ACL for the service's account (service-acl.ts).
    runtime: { storagePath: options.storagePath, secretStore: options.secretStore ?? serviceSecretStore(), storageAclManaged: true },
    log: (events) => logAgentEvents(events, log),
    version: options.version,
    startLocalApi: (apiOptions) => startMirroredLocalApi(apiOptions, options.storagePath, options.accessPath),
  });
  await agent.start();
  return agent;
}

/** The WebSocket local API with its endpoint and token copied into the access folder for as long as it is up. */
async function startMirroredLocalApi(apiOptions: LocalApiServerOptions, storagePath: string, accessPath: string | undefined): Promise<HeadlessLocalApi> {
  const localApi = await startHeadlessLocalApi(apiOptions);
  if (accessPath === undefined) return localApi;
  let unmirror: () => void;
  try {
    unmirror = mirrorLocalApiAccess(storagePath, accessPath);
  } catch (error) {
    await localApi.close();
    throw error;
  }
  return {
    ...localApi,
    close() {
      unmirror();
      return localApi.close();
    },
  };
}

function stdoutLines(): (line: string) => void {
  const write = streamWriter(process.stdout);
  return (line) => write(`${line}\n`);
}
