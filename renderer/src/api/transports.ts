import { AGENT_PORT_MESSAGE, type DesktopBridge } from '../../../agent-core/protocol/desktop';
import { browserSessionProtocols, createPortTransport, openWebSocketTransport, type Transport } from '../../../agent-core/protocol/local-api';
import { LoginLinkRefused, type BrowserSession } from './browser-session';

/** Where the agent's WebSocket server takes local-API connections (agent-core/local-api API_PATH). */
export const LOCAL_API_PATH = '/api';

/** The page's own agent: the window is served by the agent it talks to, and shows it this tab's session on the upgrade. */
export function browserTransport(login: BrowserSession): () => Promise<Transport> {
  return async () => {
    const { session, linkRefused } = await login.current();
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    try {
      return await openWebSocketTransport(new WebSocket(`${scheme}://${location.host}${LOCAL_API_PATH}`, browserSessionProtocols(session)));
    } catch (error) {
      // A link that did not work matters only when no earlier login of this tab still does.
      if (linkRefused) throw new LoginLinkRefused('this login link was used already or has expired');
      throw error;
    }
  };
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
