import type { ProgressEvent } from '../events';
import { agentHandlers } from './agent-handlers';
import { ApiSession, type ServerTransport, type SessionHost } from './api-session';
import { noConnection, type ConnectionControl } from './connection-control';
import type { HandlerTable } from './handler-table';
import type { ApiKeyAccess, LocalApiAgent } from './local-api-agent';
import { folderSlotHandlers } from './folder-slot-handlers';
import { localSlotHandlers } from './local-slot-handlers';
import { metricsHandlers } from './metrics-handlers';
import { LocalSlotSources } from './local-slot-sources';
import { slotHandlers } from './slot-handlers';
import { StateFeed } from './state-feed';

export interface LocalApiServerOptions {
  agent: LocalApiAgent;
  apiKeys: ApiKeyAccess;
  /** The control-plane connection; without one the state says `disabled`. */
  connection?: ConnectionControl;
  /** The agent's version, as the window's about box shows it. */
  version: string;
}

/**
 * The agent's side of the local API: one handler table over the runtime, one state feed, and a
 * session per connected client, whatever transport carries it.
 */
export class LocalApiServer implements SessionHost {
  readonly feed: StateFeed;
  readonly handlers: HandlerTable;
  private readonly sessions = new Set<ApiSession>();
  private loginIssuer: (() => string) | null = null;
  private readonly onProgress = (progress: ProgressEvent): void => {
    for (const session of this.sessions) session.send({ type: 'progress', progress });
  };

  private constructor(
    private readonly options: LocalApiServerOptions,
    apiKey: Awaited<ReturnType<ApiKeyAccess['read']>>,
  ) {
    const connection = options.connection ?? noConnection();
    const localSources = new LocalSlotSources(options.agent.storagePath);
    this.feed = new StateFeed({ agent: options.agent, connection, localSources, version: options.version, apiKey: apiKey?.source ?? 'none' });
    const context = {
      agent: options.agent,
      feed: this.feed,
      localSources,
      connection,
      apiKeys: options.apiKeys,
      loginUrl: () => this.loginIssuer?.() ?? null,
    };
    this.handlers = { ...agentHandlers(context), ...slotHandlers(context), ...localSlotHandlers(context), ...folderSlotHandlers(context), ...metricsHandlers(context) };
    options.agent.events.on('progress', this.onProgress);
  }

  static async create(options: LocalApiServerOptions): Promise<LocalApiServer> {
    let apiKey: Awaited<ReturnType<ApiKeyAccess['read']>> = null;
    try {
      apiKey = await options.apiKeys.read();
    } catch (error) {
      options.agent.events.warn(`the local API shows no API key: ${(error as Error).message}`);
    }
    return new LocalApiServer(options, apiKey);
  }

  /** Serves one client over `transport` until either side closes it. */
  accept(transport: ServerTransport): ApiSession {
    const session = new ApiSession(transport, this);
    this.sessions.add(session);
    return session;
  }

  /** Lets `ui.loginUrl` hand out browser login links (the WebSocket server issues them). */
  enableBrowserLogin(issue: () => string): void {
    this.loginIssuer = issue;
  }

  reportInternal(method: string, error: unknown): void {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.options.agent.events.error(`local API: ${method} failed unexpectedly: ${detail}`);
  }

  ended(session: ApiSession): void {
    this.sessions.delete(session);
  }

  close(): void {
    this.options.agent.events.off('progress', this.onProgress);
    for (const session of [...this.sessions]) session.close();
    this.feed.close();
  }
}
