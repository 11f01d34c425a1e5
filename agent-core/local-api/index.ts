export { LocalApiServer, type LocalApiServerOptions } from './server';
export { LocalApiWebSocketServer, API_PATH, type WebSocketServerOptions } from './websocket-server';
export { serveMessagePort } from './message-port-transport';
export { ApiSession, type ServerTransport } from './api-session';
export { StateFeed } from './state-feed';
export { noConnection, connectionView, type ConnectionControl } from './connection-control';
export type { LocalApiAgent, ApiKeyAccess } from './local-api-agent';
export { readLocalApiAccess, TOKEN_FILE, ENDPOINT_FILE, type LocalApiAccess } from './local-api-files';
export { findRendererDir } from './static-files';
