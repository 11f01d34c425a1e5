import { EventEmitter } from 'node:events';
import type { Deployment, SlotStatus } from './protocol';

/** A step of a running deployment, as the window, the CLI and the control plane's `progress` show it. */
export interface ProgressEvent {
  slotId: string;
  deploymentId: string | null;
  commandId: string | null;
  step: string;
  message: string;
  branch?: string;
  outcome?: 'merged' | 'skipped';
}

/** A line for the agent's own log (stdout in headless mode, electron-log in the desktop app). */
export interface AgentLogEvent {
  level: 'info' | 'warn' | 'error';
  message: string;
  slotId?: string;
}

export interface AgentEventMap {
  'slot.status': [SlotStatus];
  'deployment.update': [Deployment];
  /** A slot and its deployments are gone from this host. */
  'slot.removed': [{ slotId: string }];
  progress: [ProgressEvent];
  log: [AgentLogEvent];
}

/** The agent's event stream: modules report here, and the connection, local API and CLI listen. */
export class AgentEvents extends EventEmitter<AgentEventMap> {
  info(message: string, slotId?: string): void {
    this.emit('log', { level: 'info', message, slotId });
  }

  warn(message: string, slotId?: string): void {
    this.emit('log', { level: 'warn', message, slotId });
  }

  error(message: string, slotId?: string): void {
    this.emit('log', { level: 'error', message, slotId });
  }
}
