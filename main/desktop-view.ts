import type { AgentMode, ServiceState } from '../agent-core/protocol/desktop';
import type { AgentState } from '../agent-core/protocol/local-api';
import type { AgentHostState } from './agent-host';
import type { ErrorRate } from './slot-error-rates';

export type UpdateStatus = 'disabled' | 'idle' | 'checking' | 'downloading' | 'ready' | 'up-to-date' | 'error';

export interface UpdateView {
  status: UpdateStatus;
  /** The version downloaded or being downloaded. */
  version: string | null;
  /** False while a deployment is in flight: the update waits for it. */
  canRestart: boolean;
}

/** Everything the tray shows, gathered in one value so its menu and icon are pure functions of it. */
export interface DesktopView {
  agent: AgentHostState;
  mode: AgentMode;
  service: ServiceState;
  /** The agent's state as main's own local-API client last received it; null before the first snapshot. */
  state: AgentState | null;
  /** Whether that state is current (false while the connection to the agent is down). */
  live: boolean;
  startAtLogin: boolean | null;
  update: UpdateView;
  /** The slots whose share of 5xx answers is at the alarm now (main's metrics subscription), by slot id. */
  errorRates?: Record<string, ErrorRate>;
}
