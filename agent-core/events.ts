import { EventEmitter } from 'node:events';
import type { CommandStep, Deployment, MetricsSeries, SlotStatus } from './protocol';

/** A step of a running deployment, as the window, the CLI and the control plane's `progress` show it. */
export interface ProgressEvent {
  slotId: string;
  deploymentId: string | null;
  /** The control-plane command, or the local job's id (`local-…`, the client's own when it gave one). */
  commandId: string | null;
  step: string;
  message: string;
  branch?: string;
  outcome?: 'merged' | 'skipped';
  command?: CommandStep;
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
  /** A guarded swap went back by itself; the deployment's own update (failed, GUARD_TRIPPED) follows. */
  'guard.tripped': [{ slotId: string; deploymentId: string; message: string }];
  /** A finished step of a blue-green slot's traffic: the new point of each of its series. */
  'metrics.step': [{ slotId: string; stepSeconds: 1 | 10; series: MetricsSeries[] }];
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

  /**
   * Runs work that a callback started (a process exit, a timer, a socket event), where nothing
   * awaits it: a throw or a rejection is logged as `what failed: …` and handed to `onError` (which
   * marks the affected operation failed), and never ends the agent.
   */
  guard(what: string, work: () => unknown, onError?: (error: Error) => void, slotId?: string): void {
    const failed = (error: unknown): void => {
      const reason = error instanceof Error ? error : new Error(String(error));
      this.error(`${what} failed: ${reason.message}`, slotId);
      try {
        onError?.(reason);
      } catch (second) {
        this.error(`${what}: could not record the failure: ${(second as Error).message}`, slotId);
      }
    };
    try {
      const result = work();
      if (result instanceof Promise) result.catch(failed);
    } catch (error) {
      failed(error);
    }
  }
}

/**
 * The last net under every callback guard, for the agent's own process (never a test's): an
 * exception or a rejection that nothing caught is logged as an error, and the agent goes on
 * serving its slots. `onEscaped` sees each one first (a write that found the disk full gives back
 * the storage reserve there). Returns a function that removes the net.
 */
export function keepAgentAlive(events: AgentEvents, onEscaped: (error: unknown) => void = () => undefined, target: NodeJS.Process = process): () => void {
  const onError = (error: unknown): void => {
    try {
      onEscaped(error);
    } finally {
      const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
      events.error(`an error escaped its handler; the agent goes on: ${reason}`);
    }
  };
  target.on('uncaughtException', onError);
  target.on('unhandledRejection', onError);
  return () => {
    target.off('uncaughtException', onError);
    target.off('unhandledRejection', onError);
  };
}
