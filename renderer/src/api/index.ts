import { AgentLink } from './agent-link';
import { desktopBridge } from './desktop-bridge';
import { BrowserSession } from './browser-session';
import { agentAnswers, browserTransport, desktopPorts } from './transports';

export { AgentLink, type LinkState, type LinkStatus } from './agent-link';
export { desktopBridge } from './desktop-bridge';

/** The link this window uses: the desktop app's MessagePort when there is one, else a WebSocket to the page's own agent. */
export function createAgentLink(): AgentLink {
  const bridge = desktopBridge();
  if (!bridge) {
    const login = new BrowserSession();
    const link = new AgentLink({ open: browserTransport(login), agentAnswers });
    login.onShared(() => link.retryNow());
    return link;
  }
  const ports = desktopPorts(bridge);
  const link = new AgentLink({ open: ports.open, agentAnswers: async () => false });
  ports.onOffer((transport) => link.adopt(transport));
  return link;
}
