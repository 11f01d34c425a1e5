import type { ConnectionControl } from './connection-control';
import type { ApiKeyAccess, LocalApiAgent } from './local-api-agent';
import { LocalApiServer } from './server';
import { LocalApiWebSocketServer } from './websocket-server';
import { findRendererDir } from './window-location';

export interface HeadlessLocalApi {
  server: LocalApiServer;
  web: LocalApiWebSocketServer;
  close(): Promise<void>;
}

/** `berth-agent run`'s local API: the WebSocket on 127.0.0.1, serving the built window too when there is one. */
export async function startHeadlessLocalApi(options: {
  agent: LocalApiAgent;
  apiKeys: ApiKeyAccess;
  connection?: ConnectionControl;
  version: string;
  port?: number;
}): Promise<HeadlessLocalApi> {
  const server = await LocalApiServer.create(options);
  let web: LocalApiWebSocketServer;
  try {
    web = await LocalApiWebSocketServer.start({ server, storagePath: options.agent.storagePath, port: options.port, rendererDir: findRendererDir() });
  } catch (error) {
    server.close();
    throw error;
  }
  return {
    server,
    web,
    async close() {
      server.close();
      await web.close();
    },
  };
}
