import { LocalApiClient, type Transport } from '../../../agent-core/protocol/local-api';
import { LoginLinkRefused } from './browser-session';

/** The window's own link to the agent (not the agent's link to the control plane). */
export type LinkStatus = 'connecting' | 'connected' | 'unreachable' | 'login-needed';

export interface LinkState {
  status: LinkStatus;
  /** Why the last attempt failed, for a person to read. */
  detail: string | null;
  /** When the next attempt starts (epoch ms), while not connected. */
  retryAt: number | null;
}

export interface LinkOptions {
  open(): Promise<Transport>;
  /** True when the agent is up though the connection was refused (so it is a login problem). */
  agentAnswers(): Promise<boolean>;
}

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 5_000;
// A login made in another tab of this origin is announced at once (BrowserSession.onShared); this
// timer catches one that arrived while an attempt was under way.
const LOGIN_RETRY_MS = 2_000;

/**
 * Keeps the window connected to the agent: opens the transport, hands it to the client (which
 * resubscribes to the state and every log stream), and when the connection fails or drops, tries
 * again with a growing delay until it is back.
 */
export class AgentLink {
  readonly client = new LocalApiClient();
  private state: LinkState = { status: 'connecting', detail: null, retryAt: null };
  private readonly listeners = new Set<(state: LinkState) => void>();
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private started = false;
  private attempting = false;

  constructor(private readonly options: LinkOptions) {
    this.client.on('connection', (up) => {
      if (!up && this.state.status === 'connected') this.retryLater('unreachable', 'the connection to the agent closed');
    });
  }

  get current(): LinkState {
    return this.state;
  }

  onChange(listener: (state: LinkState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    void this.attempt();
  }

  retryNow(): void {
    if (this.state.status === 'connected' || this.attempting) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    void this.attempt();
  }

  /** A transport offered without being asked for (the desktop app's new port after an agent restart) replaces the current one. */
  adopt(transport: Transport): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.failures = 0;
    this.set({ status: 'connected', detail: null, retryAt: null });
    this.client.connect(transport);
  }

  private async attempt(): Promise<void> {
    this.attempting = true;
    // A retry keeps telling what is wrong until it succeeds, rather than flashing "connecting" each time.
    const status = this.state.status === 'connected' ? 'connecting' : this.state.status;
    this.set({ status, detail: this.state.detail, retryAt: null });
    try {
      const transport = await this.options.open();
      this.failures = 0;
      this.attempting = false;
      this.set({ status: 'connected', detail: null, retryAt: null });
      this.client.connect(transport);
    } catch (error) {
      const up = await this.options.agentAnswers();
      this.attempting = false;
      if (!up) this.retryLater('unreachable', (error as Error).message);
      else if (error instanceof LoginLinkRefused) this.retryLater('login-needed', error.message);
      else this.retryLater('login-needed', 'it has no login, or its login ended when the agent restarted');
    }
  }

  private retryLater(status: 'unreachable' | 'login-needed', detail: string): void {
    const delay = status === 'login-needed' ? LOGIN_RETRY_MS : Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.failures);
    this.failures += 1;
    this.set({ status, detail, retryAt: Date.now() + delay });
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.attempt();
    }, delay);
  }

  private set(state: LinkState): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}
