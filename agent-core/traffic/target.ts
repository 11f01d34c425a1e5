import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Pool } from './undici-pool';
import { BerthError, type Color } from '../protocol';
import type { ForwardingOptions } from './forwarding-headers';
import { forwardRequest, type Upstream } from './forward-request';
import { forwardUpgrade, type UpgradeTracking } from './forward-upgrade';
import { sendPlain, writePlain } from './plain-response';
import { TrafficCounter, type TrafficTotals } from './traffic-counter';

export type TargetState = 'adding' | 'healthy' | 'draining' | 'stopped';

const TRANSITIONS: Record<TargetState, readonly TargetState[]> = {
  adding: ['healthy', 'stopped'],
  healthy: ['draining', 'stopped'],
  draining: ['stopped'],
  stopped: [],
};

// Beyond this many concurrent requests to one color, more wait for a free connection: it keeps
// a burst of clients from exhausting the app's file descriptors, and is far above what a QA or
// staging slot sees.
export const DEFAULT_MAX_UPSTREAM_SOCKETS = 1024;

export interface TargetOptions {
  port: number;
  color: Color;
  deploymentId: string;
  /** The app is reached on loopback: it listens on PORT on this machine. */
  host?: string;
  maxSockets?: number;
}

export interface DrainResult {
  /** The timeout passed with work still in flight, which was then cut. */
  timedOut: boolean;
  /** Requests plus WebSocket connections still open when the drain ended (cut then). */
  inFlightAtEnd: number;
  /** The WebSocket connections among them. */
  webSocketsAtEnd: number;
}

/**
 * One color's upstream: the instance a slot's proxy can send traffic to. It owns the connections
 * to that instance (a keep-alive pool and the WebSocket tunnels), counts the work in flight on
 * them, and so owns the drain: a swapped-out color is drained here and nowhere else.
 */
export class Target implements Upstream {
  readonly host: string;
  readonly port: number;
  readonly color: Color;
  readonly deploymentId: string;
  readonly pool: Pool;
  readonly hostHeader: string;
  readonly description: string;
  private current: TargetState = 'adding';
  private cut: string | null = null;
  private requests = 0;
  private readonly tunnels = new Set<Duplex>();
  private drained: Promise<DrainResult> | null = null;
  private onIdle: (() => void) | null = null;
  private finishDrain: ((timedOut: boolean, reason?: string) => void) | null = null;
  /** What this color answered: the slot's metrics history reads its steps. */
  readonly counter = new TrafficCounter();
  private readonly requestDone = (status: number, ms: number): void => {
    this.requests--;
    this.counter.record(status, ms);
    this.checkIdle();
  };
  private readonly tracking: UpgradeTracking = {
    tunnelOpened: (client) => {
      this.tunnels.add(client);
    },
    tunnelClosed: (client) => {
      this.tunnels.delete(client);
      this.checkIdle();
    },
    handshakeSettled: this.requestDone,
  };

  constructor(options: TargetOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port;
    this.color = options.color;
    this.deploymentId = options.deploymentId;
    this.hostHeader = `${this.host}:${this.port}`;
    this.description = `the ${this.color} instance (port ${this.port})`;
    this.pool = new Pool(`http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`, {
      // undici's pool hands out the first idle connection, which keeps the pool small and warm under uneven load.
      connections: options.maxSockets ?? DEFAULT_MAX_UPSTREAM_SOCKETS,
      // No timeouts of the proxy's own: a slow answer is the app's business, and the drain bounds what is left on a color.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  }

  get state(): TargetState {
    return this.current;
  }

  /** Set once Berth has stopped sending to this color and cut what was left on it. */
  get cutReason(): string | null {
    return this.cut;
  }

  /** HTTP requests (and WebSocket handshakes) under way. */
  get inFlight(): number {
    return this.requests;
  }

  /** Requests, 4xx and 5xx answered since this Target was created (at its swap). */
  totals(): TrafficTotals {
    return this.counter.totals();
  }

  get openWebSockets(): number {
    return this.tunnels.size;
  }

  /** The health check passed: the proxy may send traffic here. */
  markHealthy(): void {
    this.transition('healthy');
  }

  serve(req: IncomingMessage, res: ServerResponse, options: ForwardingOptions): void {
    if (this.current === 'stopped') {
      sendPlain(res, 503, `${this.description} has stopped`);
      this.counter.record(503, 0);
      return;
    }
    this.requests++;
    forwardRequest(this, req, res, options, this.requestDone);
  }

  serveUpgrade(req: IncomingMessage, client: Duplex, head: Buffer, options: ForwardingOptions): void {
    if (this.current === 'stopped') {
      writePlain(client, 503, `${this.description} has stopped`);
      return;
    }
    this.requests++;
    forwardUpgrade(this, req, client, head, options, this.tracking);
  }

  /**
   * Waits until no request or WebSocket connection is left on this color, or `timeoutMs` passes,
   * then cuts whatever remains (WebSocket connections are closed) and ends `stopped`. Calling it
   * again returns the same drain.
   */
  drain(timeoutMs: number): Promise<DrainResult> {
    if (this.drained) return this.drained;
    this.transition('draining');
    this.drained = new Promise((resolve) => {
      const timer = setTimeout(() => finish(true), timeoutMs);
      const finish = (
        timedOut: boolean,
        reason = `${this.description} was stopped after the ${timeoutMs} ms drain timeout (traffic.drainTimeoutMs)`,
      ): void => {
        clearTimeout(timer);
        this.onIdle = null;
        this.finishDrain = null;
        const result = { timedOut, inFlightAtEnd: this.busy(), webSocketsAtEnd: this.tunnels.size };
        this.shutDown(reason);
        resolve(result);
      };
      this.onIdle = () => finish(false);
      this.finishDrain = finish;
      this.checkIdle();
    });
    return this.drained;
  }

  /** Stops at once: every request and WebSocket connection still on this color is cut. A drain under way ends now. */
  stop(reason = `${this.description} was stopped`): void {
    if (this.current === 'stopped') return;
    if (this.finishDrain) {
      this.finishDrain(false, reason);
      return;
    }
    this.shutDown(reason);
  }

  private busy(): number {
    return this.requests + this.tunnels.size;
  }

  private checkIdle(): void {
    if (this.onIdle !== null && this.busy() === 0) this.onIdle();
  }

  private shutDown(reason: string): void {
    this.transition('stopped');
    this.cut = reason;
    void this.pool.destroy();
    for (const client of this.tunnels) client.destroy();
    this.tunnels.clear();
  }

  private transition(to: TargetState): void {
    if (!TRANSITIONS[this.current].includes(to)) {
      throw new BerthError('INTERNAL', `the ${this.color} target cannot go from ${this.current} to ${to}`);
    }
    this.current = to;
  }
}
