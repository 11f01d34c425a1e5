/** Main → window messages. */
export const DESKTOP_EVENTS = {
  /** Carries a MessagePort to the agent in `ports[0]`; sent on request and again after each agent restart. */
  agentPort: 'berth:agent-port',
  navigate: 'berth:navigate',
} as const;

/** The window asks main for a port to the agent. */
export const REQUEST_AGENT_PORT = 'berth:request-agent-port';

/** The `data` of the window `message` event by which the preload hands the port to the page. */
export const AGENT_PORT_MESSAGE = 'berth:agent-port';
