import { applyDelta } from './apply-delta';
import type { StateDelta } from './events';
import type { AgentState } from './state';

export type DeltaOutcome = 'applied' | 'ignored' | 'gap';

/**
 * A copy of the agent's state that only ever moves from one state the agent had to the next: a
 * snapshot, then each delta whose version follows the last one. A skipped version, or a new
 * connection, makes the copy wait for a fresh snapshot instead of guessing.
 */
export class StateSync {
  private current: AgentState | null = null;
  private synced = false;

  /** The last state applied; after a disconnect it is kept (stale) until the next snapshot. */
  get state(): AgentState | null {
    return this.current;
  }

  /** True while every delta since the snapshot has been applied in order. */
  get isSynced(): boolean {
    return this.synced;
  }

  applySnapshot(snapshot: AgentState): void {
    this.current = snapshot;
    this.synced = true;
  }

  applyDelta(version: number, delta: StateDelta): DeltaOutcome {
    if (!this.synced || this.current === null) return 'ignored';
    if (version <= this.current.version) return 'ignored';
    if (version !== this.current.version + 1) {
      this.synced = false;
      return 'gap';
    }
    this.current = applyDelta(this.current, version, delta);
    return 'applied';
  }

  /** Deltas are not applied again until a snapshot arrives (the connection dropped, or the agent restarted). */
  desync(): void {
    this.synced = false;
  }

  clear(): void {
    this.current = null;
    this.synced = false;
  }
}
