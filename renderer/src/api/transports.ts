import { AGENT_PORT_MESSAGE, type DesktopBridge } from '../../../agent-core/protocol/desktop';
import { createPortTransport, openWebSocketTransport, type Transport } from '../../../agent-core/protocol/local-api';

/** Where the agent's WebSocket server takes local-API connections (agent-core/local-api API_PATH). */
export const LOCAL_API_PATH = '/api';

/** The page's own agent: the window is served by the agent it talks to, so the session cookie goes along. */
export function openBrowserTransport(): Promise<Transport> {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return openWebSocketTransport(new WebSocket(`${scheme}://${location.host}${LOCAL_API_PATH}`));
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

export interface DesktopPorts {
  /** Asks main for a port to the agent and resolves with it. */
  open(): Promise<Transport>;
  /** `adopt` receives each port main sends unasked: after an agent restart, the old port is dead. */
  onOffer(adopt: (transport: Transport) => void): void;
}

/** The desktop window's ports to the agent, which the preload posts to the page as `message` events. */
export function desktopPorts(bridge: DesktopBridge): DesktopPorts {
  let waiting: ((transport: Transport) => void) | null = null;
  let adopt: ((transport: Transport) => void) | null = null;
  window.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== window || event.data !== AGENT_PORT_MESSAGE || !event.ports[0]) return;
    const transport = createPortTransport(event.ports[0]);
    const receiver = waiting ?? adopt;
    waiting = null;
    receiver?.(transport);
  });
  return {
    open: () =>
      new Promise<Transport>((resolve) => {
        waiting = resolve;
        bridge.connectAgent();
      }),
    onOffer: (listener) => {
      adopt = listener;
    },
  };
}
