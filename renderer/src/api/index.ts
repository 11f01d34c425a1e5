import { AgentLink } from './agent-link';
import { desktopBridge } from './desktop-bridge';
import { agentAnswers, openBrowserTransport, openDesktopTransport } from './transports';

export { AgentLink, type LinkState, type LinkStatus } from './agent-link';
export { desktopBridge, type DesktopBridge } from './desktop-bridge';

/** The link this window uses: the desktop app's MessagePort when there is one, else a WebSocket to the page's own agent. */
export function createAgentLink(): AgentLink {
  const bridge = desktopBridge();
  if (bridge) return new AgentLink({ open: () => openDesktopTransport(bridge), agentAnswers: async () => false });
  return new AgentLink({ open: openBrowserTransport, agentAnswers });
}
