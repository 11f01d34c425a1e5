import { createPortTransport, openWebSocketTransport, type Transport } from '../../../agent-core/protocol/local-api';
import { PORT_MESSAGE, type DesktopBridge } from './desktop-bridge';

/** Where the agent's WebSocket server takes local-API connections (agent-core/local-api API_PATH). */
export const LOCAL_API_PATH = '/api';

/** The page's own agent: the window is served by the agent it talks to, so the session cookie goes along. */
export function openBrowserTransport(): Promise<Transport> {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return openWebSocketTransport(new WebSocket(`${scheme}://${location.host}${LOCAL_API_PATH}`));
}

/** The desktop window's MessagePort: on the bridge already, or posted to the page by the preload. */
export function openDesktopTransport(bridge: DesktopBridge): Promise<Transport> {
  if (bridge.port) return Promise.resolve(createPortTransport(bridge.port));
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent): void => {
      if (event.source !== window || event.data !== PORT_MESSAGE || !event.ports[0]) return;
      window.removeEventListener('message', onMessage);
      resolve(createPortTransport(event.ports[0]));
    };
    window.addEventListener('message', onMessage);
  });
}

/**
 * Whether anything answers at the page's origin: after a refused WebSocket it tells an agent that is
 * down from one that is up but no longer knows this browser's login (a browser hides the HTTP status).
 */
export async function agentAnswers(): Promise<boolean> {
  try {
    await fetch(LOCAL_API_PATH, { cache: 'no-store' });
    return true;
  } catch {
    return false;
  }
}
