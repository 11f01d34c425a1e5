import { isAbsolute } from 'node:path';
import { BerthError } from '../protocol';
import { connectionView } from './connection-control';
import type { HandlerContext, HandlerTable } from './handler-table';
import type { ApiKeySource } from './state-feed';

type AgentMethods =
  | 'state.get'
  | 'state.subscribe'
  | 'state.unsubscribe'
  | 'settings.get'
  | 'settings.update'
  | 'apiKey.set'
  | 'apiKey.clear'
  | 'connection.retry'
  | 'ui.loginUrl';

/** The calls about the agent as a whole: its state, settings, API key, connection and browser login. */
export function agentHandlers(context: HandlerContext): Pick<HandlerTable, AgentMethods> {
  const { agent, feed, connection, apiKeys } = context;
  const apiKeySource = async (): Promise<ApiKeySource> => (await apiKeys.read())?.source ?? 'none';

  return {
    'state.get': () => feed.snapshot(),
    'state.subscribe': (_params, session) => session.subscribeState(),
    'state.unsubscribe': (_params, session) => {
      session.unsubscribeState();
      return {};
    },
    'settings.get': () => feed.settingsView(),
    'settings.update': (params) => {
      const relative = params.sourceRoots?.find((root) => !isAbsolute(root));
      if (relative !== undefined) throw new BerthError('INVALID_PAYLOAD', `source root '${relative}' is not an absolute path`);
      const changes = Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
      const before = agent.settings.serverUrl;
      agent.updateSettings(changes);
      feed.settingsChanged();
      if (agent.settings.serverUrl !== before) connection.retryNow();
      return feed.settingsView();
    },
    'apiKey.set': async (params) => {
      await apiKeys.save(params.apiKey);
      feed.settingsChanged(await apiKeySource());
      connection.retryNow();
      return feed.settingsView();
    },
    'apiKey.clear': async () => {
      await apiKeys.remove();
      feed.settingsChanged(await apiKeySource());
      connection.retryNow();
      return feed.settingsView();
    },
    'connection.retry': () => {
      connection.retryNow();
      return connectionView(connection.current(), agent.settings.serverUrl);
    },
    'ui.loginUrl': () => {
      const url = context.loginUrl();
      if (url === null) throw new BerthError('NOT_FOUND', 'this agent serves no browser window; the desktop app shows it instead');
      return { url };
    },
  };
}
