import type { LocalApiMethod, RequestParams, RequestResultInput } from '../protocol/local-api';
import type { ApiSession } from './api-session';
import type { ConnectionControl } from './connection-control';
import type { ApiKeyAccess, LocalApiAgent } from './local-api-agent';
import type { LocalSlotSources } from './local-slot-sources';
import type { StateFeed } from './state-feed';

export type Handler<M extends LocalApiMethod> = (
  params: RequestParams<M>,
  session: ApiSession,
) => RequestResultInput<M> | Promise<RequestResultInput<M>>;

/** One handler per local-API method: the compiler refuses a table that misses one. */
export type HandlerTable = { [M in LocalApiMethod]: Handler<M> };

export interface HandlerContext {
  agent: LocalApiAgent;
  feed: StateFeed;
  localSources: LocalSlotSources;
  connection: ConnectionControl;
  apiKeys: ApiKeyAccess;
  /** Issues a one-time browser login link; null where no browser UI is served. */
  loginUrl(): string | null;
}
