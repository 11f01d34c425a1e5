import { createPortTransport, type MessagePortLike } from '../protocol/local-api';
import type { ApiSession } from './api-session';
import type { LocalApiServer } from './server';

/**
 * Serves a client over a MessagePort: Electron's MessagePortMain in the desktop app (the window
 * and main each get one), Node's MessageChannel ports in tests. Both have postMessage and on('message').
 */
export function serveMessagePort(server: LocalApiServer, port: MessagePortLike): ApiSession {
  return server.accept(createPortTransport(port));
}
