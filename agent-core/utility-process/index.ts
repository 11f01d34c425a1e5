export { runAgentProcess, type AgentProcessOptions } from './run-agent-process';
export { hostEmbeddedAgent, type EmbeddedAgentOptions } from './embedded-agent';
export type { ParentPortLike } from './parent-port';
export { bridgeToService, relayPort } from './service-bridge';
