import { LocalApiClient, createPortTransport, type AgentState } from '../agent-core/protocol/local-api';
import type { AgentHost } from './agent-host';
import { systemClock, type Clock } from './clock';

const RECONNECT_MS = 2_000;

/**
 * Main as a local-API client, like the window: its own port to the agent, the agent's state kept
 * current for the tray, the notifications and the quit question.
 */
export class MainAgentClient {
  readonly client = new LocalApiClient();
  private retry: unknown = null;

  constructor(
    private readonly host: Pick<AgentHost, 'openPort' | 'state' | 'on'>,
    private readonly clock: Clock = systemClock,
  ) {
    host.on('ready', () => this.connect());
    // A port can close while the agent runs on: the Windows service restarted behind the relay.
    this.client.on('connection', (up) => {
      if (!up) this.scheduleReconnect();
    });
  }

  get state(): AgentState | null {
    return this.client.state;
  }

  get live(): boolean {
    return this.client.isStateLive;
  }

  watch(listener: (state: AgentState) => void): () => void {
    return this.client.watchState(listener);
  }

  private connect(): void {
    this.clock.clearTimeout(this.retry);
    this.retry = null;
    const port = this.host.openPort();
    if (port) this.client.connect(createPortTransport(port));
  }

  private scheduleReconnect(): void {
    if (this.retry !== null) return;
    this.retry = this.clock.setTimeout(() => {
      this.retry = null;
      if (this.host.state === 'ready' && !this.client.connected) this.connect();
    }, RECONNECT_MS);
  }
}
