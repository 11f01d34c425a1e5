export { ControlPlaneClient, type ControlPlaneOptions, KEY_REJECTED_RETRY_MS, REPLACED_WAIT_MS } from './control-plane-client';
export { ConnectionStatus, canTransition, describeState, type ConnectionState, type ConnectionStateKind } from './connection-state';
export { Backoff, type BackoffOptions } from './backoff';
export { connectUrl, isLoopbackHost } from './connect-url';
export { agentVersion } from './agent-version';
export { freeBytes } from './host-status';
