import { agentVersion } from './connection/agent-version';
import { keepAgentAlive, type AgentEvents } from './events';
import { controlPlaneConnection, type LocalApiServerOptions } from './local-api';
import { AgentRuntime, type RuntimeOptions } from './runtime';
import { isDiskFull } from './store';

/** All the start-up needs of a host's local API: a way to close it again. */
export interface ClosableLocalApi {
  close(): void | Promise<void>;
}

export interface HostedAgentOptions<Api extends ClosableLocalApi> {
  runtime: RuntimeOptions;
  /** Routes the agent's events to the host's log; called before the agent logs anything. */
  log(events: AgentEvents): void;
  /** The version the window's about box shows; this build's own when absent. */
  version?: string;
  /** Starts the host's local API over the runtime: the WebSocket on 127.0.0.1, or a server for MessagePorts. */
  startLocalApi(options: LocalApiServerOptions): Promise<Api>;
}

/** The agent with its local API, as `berth-agent run`, the Windows service and the desktop app host it. */
export interface HostedAgent<Api extends ClosableLocalApi> {
  readonly runtime: AgentRuntime;
  readonly localApi: Api;
  /**
   * Brings back the slots that were running. The local API is already up, so a client sees them
   * come back; if this fails, the local API, the runtime and the keep-alive net go, in that order.
   */
  start(): Promise<void>;
  /** Stops every slot with its shutdown commands (keeping their desired state), then closes the local API; once, however often it is called. */
  stop(): Promise<void>;
}

/**
 * The start-up every host shares, up to the point where the host adds its own (a printed login
 * link, signals, an access mirror, the MessagePort protocol with main) before calling `start()`:
 * opens the runtime with its log and its keep-alive net, then starts the local API the host passes;
 * if that fails, the runtime stops again, so the storage folder is free for the next agent.
 */
export async function openHostedAgent<Api extends ClosableLocalApi>(options: HostedAgentOptions<Api>): Promise<HostedAgent<Api>> {
  const runtime = await AgentRuntime.create(options.runtime);
  options.log(runtime.events);
  const unguard = keepAgentAlive(runtime.events, (error) => {
    if (isDiskFull(error)) runtime.storage.diskFull();
  });
  let localApi: Api;
  try {
    localApi = await options.startLocalApi({
      agent: runtime,
      apiKeys: runtime.apiKeys,
      connection: controlPlaneConnection(runtime.controlPlane, (error) => runtime.events.warn(`reconnecting to the control plane failed: ${error.message}`)),
      version: options.version ?? agentVersion(),
    });
  } catch (error) {
    await closeInTurn([() => runtime.stop()], unguard);
    throw error;
  }
  let stopped: Promise<void> | null = null;
  return {
    runtime,
    localApi,
    async start() {
      try {
        await runtime.start();
      } catch (error) {
        // A stop already under way (a quit while the slots came back) finishes instead.
        stopped ??= closeInTurn([() => localApi.close(), () => runtime.stop()], unguard);
        await stopped;
        throw error;
      }
    },
    stop() {
      // The local API stays up while the slots stop, so its clients see them go.
      stopped ??= closeInTurn([() => runtime.stop(), () => localApi.close()], unguard);
      return stopped;
    },
  };
}

/** Runs `steps` one after the other, then removes the keep-alive net even when a step failed. */
async function closeInTurn(steps: (() => void | Promise<void>)[], unguard: () => void): Promise<void> {
  try {
    for (const step of steps) await step();
  } finally {
    unguard();
  }
}
