import type { ConnectionState, ControlPlaneClient } from '../connection';
import type { ConnectionView } from '../protocol/local-api';

/** What the local API needs of the control-plane connection: its state, and a way to try again now. */
export interface ConnectionControl {
  current(): ConnectionState;
  onChange(listener: (state: ConnectionState) => void): () => void;
  /** Connects now instead of at the next retry, reading the API key and server URL again. */
  retryNow(): void;
}

/** For an agent that runs without a connection module (tests, or before one is wired): always disabled. */
export function noConnection(reason = 'this agent runs without a control-plane connection'): ConnectionControl {
  const state: ConnectionState = { kind: 'disabled', reason };
  return { current: () => state, onChange: () => () => undefined, retryNow: () => undefined };
}

/** The runtime's control-plane client, as the local API sees it. */
export function controlPlaneConnection(client: ControlPlaneClient, onRetryFailed: (error: Error) => void): ConnectionControl {
  return {
    current: () => client.state,
    onChange: (listener) => {
      client.status.on('change', listener);
      return () => client.status.off('change', listener);
    },
    retryNow: () => void client.reconnect().catch(onRetryFailed),
  };
}

export function connectionView(state: ConnectionState, serverUrl: string | null): ConnectionView {
  const view: ConnectionView = { status: state.kind, serverUrl, hostId: null, message: null, since: null, retryAt: null };
  switch (state.kind) {
    case 'disabled':
      return { ...view, message: state.reason };
    case 'connecting':
      return view;
    case 'online':
      return { ...view, hostId: state.hostId, since: state.since };
    case 'offline':
      return { ...view, message: state.reason, retryAt: state.nextRetryAt };
    case 'key-rejected':
      return { ...view, message: 'the control plane rejected the API key; set a new one', retryAt: state.nextRetryAt };
    case 'replaced':
      return { ...view, message: 'another agent connected as this host; this one waits before trying again', retryAt: state.until };
    case 'protocol-unsupported':
      return { ...view, message: state.message };
  }
}
