import { EventEmitter } from 'node:events';
import type { MessagePortMain } from 'electron';
import { FromAgentProcess, type AgentMode, type AgentProcessTask, type ToAgentProcess } from '../agent-core/protocol/desktop';
import { systemClock, type Clock } from './clock';

/** What main needs of an Electron UtilityProcess. */
export interface AgentProcess {
  postMessage(message: ToAgentProcess, transfer?: MessagePortMain[]): void;
  kill(): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
}

export type ForkAgent = (task: AgentProcessTask) => AgentProcess;
export type CreateChannel = () => { port1: MessagePortMain; port2: MessagePortMain };

export type AgentHostState = 'idle' | 'starting' | 'ready' | 'waiting' | 'stopping' | 'stopped';

// `waiting`: the process died and the next start is scheduled. `stopped` may start again (a switch of mode).
const TRANSITIONS: Record<AgentHostState, readonly AgentHostState[]> = {
  idle: ['starting', 'stopped'],
  starting: ['ready', 'waiting', 'stopping'],
  ready: ['waiting', 'stopping'],
  waiting: ['starting', 'stopped'],
  stopping: ['stopped'],
  stopped: ['starting'],
};

export interface AgentCrash {
  exitCode: number;
  /** Deaths in a row, this one included; reset once the agent has stayed up for STABLE_MS. */
  crashes: number;
  restartInMs: number;
  /** What the agent said before it died, if it said anything. */
  reason: string | null;
}

interface AgentHostEvents {
  ready: [AgentMode];
  crashed: [AgentCrash];
  state: [AgentHostState];
}

const FIRST_RESTART_MS = 1_000;
const MAX_RESTART_MS = 60_000;
const STABLE_MS = 60_000;
/** Stopping runs every slot's shutdown commands; past this the process is killed. */
export const STOP_TIMEOUT_MS = 120_000;

export function restartDelay(crashes: number): number {
  return Math.min(FIRST_RESTART_MS * 2 ** Math.max(0, crashes - 1), MAX_RESTART_MS);
}

/**
 * Owns the agent's utility process: starts it, restarts it with a growing delay when it dies, hands
 * it MessagePorts for the local-API clients, and stops it. It never carries a local-API message itself.
 */
export class AgentHost extends EventEmitter<AgentHostEvents> {
  private stateValue: AgentHostState = 'idle';
  private child: AgentProcess | null = null;
  private task: AgentProcessTask | null = null;
  private crashes = 0;
  private readyAt: number | null = null;
  private lastFatal: string | null = null;
  private restartTimer: unknown = null;
  private modeValue: AgentMode | null = null;
  private exited: (() => void) | null = null;

  constructor(
    private readonly fork: ForkAgent,
    private readonly createChannel: CreateChannel,
    private readonly clock: Clock = systemClock,
  ) {
    super();
  }

  get state(): AgentHostState {
    return this.stateValue;
  }

  /** The mode the running agent process reported, or null before it is ready. */
  get mode(): AgentMode | null {
    return this.stateValue === 'ready' ? this.modeValue : null;
  }

  start(task: AgentProcessTask): void {
    this.task = task;
    this.crashes = 0;
    this.spawn();
  }

  /** A new MessagePort to the agent for one client (main itself or a window); null while it is not ready. */
  openPort(): MessagePortMain | null {
    if (this.stateValue !== 'ready' || !this.child) return null;
    const { port1, port2 } = this.createChannel();
    this.child.postMessage({ type: 'connect' }, [port1]);
    return port2;
  }

  /** Asks the agent to stop its slots (keeping their desired state) and waits for it to exit; kills it after `timeoutMs`. */
  stop(timeoutMs = STOP_TIMEOUT_MS): Promise<void> {
    if (this.stateValue === 'stopped') return Promise.resolve();
    if (this.stateValue === 'idle' || this.stateValue === 'waiting') {
      this.clock.clearTimeout(this.restartTimer);
      this.move('stopped');
      return Promise.resolve();
    }
    const child = this.child;
    const wasStopping = this.stateValue === 'stopping';
    const done = new Promise<void>((resolve) => {
      const previous = this.exited;
      this.exited = () => {
        previous?.();
        resolve();
      };
    });
    if (!wasStopping && child) {
      this.move('stopping');
      child.postMessage({ type: 'stop' });
      const killer = this.clock.setTimeout(() => child.kill(), timeoutMs);
      void done.then(() => this.clock.clearTimeout(killer));
    }
    return done;
  }

  private spawn(): void {
    if (!this.task) return;
    this.move('starting');
    this.lastFatal = null;
    const child = this.fork(this.task);
    this.child = child;
    child.on('message', (raw) => this.onMessage(child, raw));
    child.on('exit', (code) => this.onExit(child, code));
  }

  private onMessage(child: AgentProcess, raw: unknown): void {
    if (child !== this.child) return;
    const message = FromAgentProcess.safeParse(raw);
    if (!message.success) return;
    switch (message.data.type) {
      case 'ready':
        if (this.stateValue !== 'starting') return;
        this.readyAt = this.clock.now();
        this.modeValue = message.data.mode;
        this.move('ready');
        this.emit('ready', message.data.mode);
        return;
      case 'fatal':
        this.lastFatal = message.data.message;
        return;
      case 'stopped':
        return;
    }
  }

  private onExit(child: AgentProcess, exitCode: number): void {
    if (child !== this.child) return;
    this.child = null;
    if (this.stateValue === 'stopping') {
      this.move('stopped');
      const exited = this.exited;
      this.exited = null;
      exited?.();
      return;
    }
    const stayedUp = this.readyAt !== null && this.clock.now() - this.readyAt >= STABLE_MS;
    this.crashes = stayedUp ? 1 : this.crashes + 1;
    this.readyAt = null;
    const restartInMs = restartDelay(this.crashes);
    this.move('waiting');
    this.restartTimer = this.clock.setTimeout(() => {
      this.restartTimer = null;
      if (this.stateValue === 'waiting') this.spawn();
    }, restartInMs);
    this.emit('crashed', { exitCode, crashes: this.crashes, restartInMs, reason: this.lastFatal });
  }

  private move(next: AgentHostState): void {
    if (!TRANSITIONS[this.stateValue].includes(next)) {
      throw new Error(`agent host cannot go from ${this.stateValue} to ${next}`);
    }
    this.stateValue = next;
    this.emit('state', next);
  }
}
