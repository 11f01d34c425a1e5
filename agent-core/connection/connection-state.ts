import { EventEmitter } from 'node:events';

/** Where the agent's connection to the control plane stands, as the window and the tray show it. */
export type ConnectionState =
  | { kind: 'disabled'; reason: string }
  | { kind: 'connecting'; url: string }
  | { kind: 'online'; hostId: string; since: string }
  | { kind: 'offline'; reason: string; nextRetryAt: string }
  | { kind: 'key-rejected'; nextRetryAt: string }
  | { kind: 'replaced'; until: string }
  | { kind: 'protocol-unsupported'; message: string };

export type ConnectionStateKind = ConnectionState['kind'];

// online means welcomed, not merely connected: before `welcome` nothing reliable is sent.
const TRANSITIONS: Record<ConnectionStateKind, readonly ConnectionStateKind[]> = {
  disabled: ['connecting', 'disabled'],
  connecting: ['online', 'offline', 'key-rejected', 'replaced', 'protocol-unsupported', 'disabled'],
  online: ['offline', 'key-rejected', 'replaced', 'protocol-unsupported', 'disabled'],
  offline: ['connecting', 'disabled'],
  'key-rejected': ['connecting', 'disabled'],
  replaced: ['connecting', 'disabled'],
  // Only a changed key or server URL (or a restart) tries again: the same server will say the same.
  'protocol-unsupported': ['connecting', 'disabled'],
};

export function canTransition(from: ConnectionStateKind, to: ConnectionStateKind): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The current connection state; emits `change` on every transition and refuses one the table does not allow. */
export class ConnectionStatus extends EventEmitter<{ change: [ConnectionState] }> {
  private state: ConnectionState;

  constructor(initial: ConnectionState = { kind: 'disabled', reason: 'not started' }) {
    super();
    this.state = initial;
  }

  get current(): ConnectionState {
    return this.state;
  }

  set(next: ConnectionState): void {
    if (!canTransition(this.state.kind, next.kind)) {
      throw new Error(`connection state cannot go from ${this.state.kind} to ${next.kind}`);
    }
    this.state = next;
    this.emit('change', next);
  }
}

/** A line for the agent's log about the state, and how loud it is. */
export function describeState(state: ConnectionState): { level: 'info' | 'warn' | 'error'; message: string } {
  switch (state.kind) {
    case 'online':
      return { level: 'info', message: `online as host ${state.hostId}` };
    case 'connecting':
      return { level: 'info', message: `connecting to ${state.url}` };
    case 'offline':
      return { level: 'warn', message: `offline (${state.reason}); next attempt at ${state.nextRetryAt}` };
    case 'key-rejected':
      return { level: 'error', message: `API key rejected; next attempt at ${state.nextRetryAt}, or at once when the key is changed (berth-agent login)` };
    case 'replaced':
      return { level: 'warn', message: `another connection of this host replaced this one; waiting until ${state.until}` };
    case 'protocol-unsupported':
      return { level: 'error', message: `${state.message}; update the agent, then restart it` };
    case 'disabled':
      return { level: 'info', message: `not connected (${state.reason})` };
  }
}
