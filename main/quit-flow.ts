import type { AgentMode } from '../agent-core/protocol/desktop';

export type QuitState = 'running' | 'asking' | 'stopping' | 'done';

const TRANSITIONS: Record<QuitState, readonly QuitState[]> = {
  running: ['asking', 'stopping'],
  asking: ['running', 'stopping'],
  stopping: ['done'],
  done: [],
};

export interface QuitFlowOptions {
  /** Slots the agent is running right now (deploying ones included). */
  runningSlots(): number;
  mode(): AgentMode;
  /** "Quit and stop 3 slots?"; true to go on. */
  confirm(slots: number): Promise<boolean>;
  /** Stops every slot with its shutdown commands, keeping their desired state, and ends the agent process. */
  stopAgent(): Promise<void>;
  /** Quits for real; the flow is `done`, so the quit it starts goes through. */
  exit(): void;
}

/**
 * Quitting Berth: asks once when slots are running, stops them (so they come back at the next
 * start), then quits. In service mode the slots belong to the service and keep running.
 */
export class QuitFlow {
  private stateValue: QuitState = 'running';

  constructor(private readonly options: QuitFlowOptions) {}

  get state(): QuitState {
    return this.stateValue;
  }

  /** The window's close button hides it instead, until a quit has begun. */
  get isQuitting(): boolean {
    return this.stateValue === 'stopping' || this.stateValue === 'done';
  }

  /** For app `before-quit`: holds the quit back until the slots are stopped. */
  onBeforeQuit(event: { preventDefault(): void }): void {
    if (this.stateValue === 'done') return;
    event.preventDefault();
    if (this.stateValue !== 'running') return;
    const slots = this.options.mode() === 'embedded' ? this.options.runningSlots() : 0;
    if (slots === 0) {
      void this.stop();
      return;
    }
    this.move('asking');
    void this.options.confirm(slots).then(
      (go) => (go ? this.stop() : this.move('running')),
      () => this.move('running'),
    );
  }

  /**
   * Windows is shutting down or the user logs off: nobody is there to answer, so stop at once.
   * Returns whether the session end should wait for it (Windows shows "Berth is stopping slots").
   */
  onSessionEnding(): boolean {
    if (this.stateValue === 'done') return false;
    if (this.stateValue === 'stopping') return true;
    void this.stop();
    return true;
  }

  private async stop(): Promise<void> {
    this.move('stopping');
    try {
      await this.options.stopAgent();
    } finally {
      this.move('done');
      this.options.exit();
    }
  }

  private move(next: QuitState): void {
    if (!TRANSITIONS[this.stateValue].includes(next)) throw new Error(`quit cannot go from ${this.stateValue} to ${next}`);
    this.stateValue = next;
  }
}
