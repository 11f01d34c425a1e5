import { AgentLink } from './agent-link';
import { desktopBridge } from './desktop-bridge';
import { agentAnswers, desktopPorts, openBrowserTransport } from './transports';

export { AgentLink, type LinkState, type LinkStatus } from './agent-link';
export { desktopBridge } from './desktop-bridge';

/** The link this window uses: the desktop app's MessagePort when there is one, else a WebSocket to the page's own agent. */
export function createAgentLink(): AgentLink {
  const bridge = desktopBridge();
  if (!bridge) return new AgentLink({ open: openBrowserTransport, agentAnswers });
  const ports = desktopPorts(bridge);
  const link = new AgentLink({ open: ports.open, agentAnswers: async () => false });
  ports.onOffer((transport) => link.adopt(transport));
  return link;
}
