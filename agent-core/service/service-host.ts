import { printAgentLog } from '../agent-log-printer';
import { agentVersion } from '../connection/agent-version';
import { controlPlaneConnection, startHeadlessLocalApi, type HeadlessLocalApi } from '../local-api';
import { mirrorLocalApiAccess } from './access-mirror';
import { AgentRuntime } from '../runtime';
import { ApiKeyStore, type SecretStore } from '../secrets';
import { serviceSecretStore } from './service-secret-store';
import { keepAgentAlive } from '../events';
import { isDiskFull } from '../store';

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
  const secrets = options.secretStore ?? serviceSecretStore();
  // The installer set the storage's ACL for the service's account (service-acl.ts).
  const runtime = await AgentRuntime.create({ storagePath: options.storagePath, secretStore: secrets, storageAclManaged: true });
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  printAgentLog(runtime.events, (line) => log(line.trimEnd()), false);
  keepAgentAlive(runtime.events, (error) => {
    if (isDiskFull(error)) runtime.storage.diskFull();
  });
  let localApi: HeadlessLocalApi;
  try {
    localApi = await startHeadlessLocalApi({
      agent: runtime,
      apiKeys: new ApiKeyStore(secrets),
      connection: controlPlaneConnection(runtime.controlPlane, (error) => runtime.events.warn(`reconnecting to the control plane failed: ${error.message}`)),
      version: options.version ?? agentVersion(),
    });
  } catch (error) {
    await runtime.stop();
    throw error;
  }
  let unmirror: () => void;
  try {
    unmirror = options.accessPath === undefined ? () => undefined : mirrorLocalApiAccess(options.storagePath, options.accessPath);
  } catch (error) {
    await runtime.stop();
    await localApi.close();
    throw error;
  }
  await runtime.start();
  let stopped: Promise<void> | null = null;
  return {
    runtime,
    localApi,
    stop() {
      stopped ??= runtime.stop().then(() => {
        unmirror();
        return localApi.close();
      });
      return stopped;
    },
  };
}
