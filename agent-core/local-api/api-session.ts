import { randomUUID } from 'node:crypto';
import { DeploymentFailed } from '../deployments/deployment-failed';
import { BerthError, describeIssues } from '../protocol';
import {
  LocalApiRequests,
  RequestFrame,
  isLocalApiMethod,
  type LocalApiEvent,
  type ResponseError,
  type ResponseFrame,
  type Transport,
} from '../protocol/local-api';
import type { LogSubscription } from '../logs';
import type { SlotController, SlotLogFollow } from '../slots';
import type { HandlerTable } from './handler-table';
import type { StateFeed } from './state-feed';

/** A transport on the agent's side, which may be able to tell how far behind its peer is. */
export interface ServerTransport extends Transport {
  /** Bytes sent but not yet written out; absent where the transport cannot tell (a MessagePort). */
  backlog?(): number;
  /** Called whenever the backlog has gone down below a few dozen KiB. */
  onDrain?(listener: () => void): void;
}

// A client this far behind gets no more deltas; once it has caught up it gets one fresh snapshot.
const STATE_HIGH_WATER_BYTES = 4 * 1024 * 1024;
// Past this, log output waits in the log fan-out's bounded queue (and is dropped as a gap if it overflows).
const LOG_HIGH_WATER_BYTES = 256 * 1024;

export interface SessionHost {
  readonly handlers: HandlerTable;
  readonly feed: StateFeed;
  /** An error that is the agent's fault, for the agent's own log. */
  reportInternal(method: string, error: unknown): void;
  ended(session: ApiSession): void;
}

/** One client connection: runs its calls, and sends it the events it subscribed to. */
export class ApiSession {
  private closed = false;
  private stopDeltas: (() => void) | null = null;
  private stateBehind = false;
  private readonly logs = new Map<string, LogSubscription>();
  private readonly logsWaiting = new Set<LogSubscription>();
  /** Other subscriptions (metrics), each with what ends it. */
  private readonly subscriptions = new Map<string, () => void>();

  constructor(
    private readonly transport: ServerTransport,
    private readonly host: SessionHost,
  ) {
    transport.onFrame((frame) => this.receive(frame));
    transport.onClose(() => this.end());
    transport.onDrain?.(() => this.drained());
  }

  send(event: LocalApiEvent): void {
    if (this.closed) return;
    try {
      this.transport.send({ type: 'event', event });
    } catch {
      this.end();
    }
  }

  /** Sends the state now and every delta after it. Synchronous, so no delta can overtake the snapshot. */
  subscribeState(): ReturnType<StateFeed['snapshot']> {
    this.stopDeltas ??= this.host.feed.onDelta((version, delta) => {
      if (this.stateBehind) return;
      if (this.backlog() > STATE_HIGH_WATER_BYTES) {
        this.stateBehind = true;
        return;
      }
      this.send({ type: 'state.delta', version, delta });
    });
    this.stateBehind = false;
    return this.host.feed.snapshot();
  }

  unsubscribeState(): void {
    this.stopDeltas?.();
    this.stopDeltas = null;
    this.stateBehind = false;
  }

  subscribeLogs(controller: SlotController, follow: SlotLogFollow): string {
    const subscriptionId = `logs_${randomUUID()}`;
    const subscription = controller.subscribeLogs({
      send: ({ deploymentId: from, event }) => {
        this.send({ type: 'log', subscriptionId, slotId: controller.id, deploymentId: from, chunk: event });
        if (this.backlog() <= LOG_HIGH_WATER_BYTES) return true;
        this.logsWaiting.add(subscription);
        return false;
      },
    }, follow);
    this.logs.set(subscriptionId, subscription);
    return subscriptionId;
  }

  unsubscribeLogs(subscriptionId: string): void {
    const subscription = this.logs.get(subscriptionId);
    if (!subscription) throw new BerthError('NOT_FOUND', `no log subscription ${subscriptionId} on this connection`);
    subscription.close();
    this.logs.delete(subscriptionId);
    this.logsWaiting.delete(subscription);
  }

  /** Keeps `stop` to run on unsubscribe or when this connection ends. */
  addSubscription(subscriptionId: string, stop: () => void): void {
    this.subscriptions.set(subscriptionId, stop);
  }

  removeSubscription(subscriptionId: string): void {
    const stop = this.subscriptions.get(subscriptionId);
    if (!stop) throw new BerthError('NOT_FOUND', `no subscription ${subscriptionId} on this connection`);
    this.subscriptions.delete(subscriptionId);
    stop();
  }

  close(): void {
    if (this.closed) return;
    this.end();
    this.transport.close();
  }

  private receive(raw: unknown): void {
    if (this.closed) return;
    const frame = RequestFrame.safeParse(raw);
    if (!frame.success) {
      // Without a readable id there is nobody to answer: a peer that sends garbage is not a client.
      this.close();
      return;
    }
    const { id, method, params } = frame.data;
    let outcome: unknown;
    try {
      outcome = this.run(method, params);
    } catch (error) {
      this.respond(this.failure(id, method, error));
      return;
    }
    if (outcome instanceof Promise) {
      outcome.then(
        (result: unknown) => this.respond({ type: 'response', id, ok: true, result }),
        (error: unknown) => this.respond(this.failure(id, method, error)),
      );
    } else {
      this.respond({ type: 'response', id, ok: true, result: outcome });
    }
  }

  private run(method: string, rawParams: unknown): unknown {
    if (!isLocalApiMethod(method)) throw new BerthError('UNKNOWN_COMMAND', `the agent has no local-API method '${method}'`);
    const parsed = LocalApiRequests[method].params.safeParse(rawParams);
    if (!parsed.success) {
      throw new BerthError('INVALID_PAYLOAD', `invalid params for ${method}: ${describeIssues(parsed.error, 'params')}`);
    }
    const handler = this.host.handlers[method] as (params: unknown, session: ApiSession) => unknown;
    return handler(parsed.data, this);
  }

  private failure(id: number, method: string, error: unknown): ResponseFrame {
    return { type: 'response', id, ok: false, error: this.describe(method, error) };
  }

  private describe(method: string, error: unknown): ResponseError {
    if (error instanceof DeploymentFailed) return { code: error.code, message: error.message, deployment: error.deployment };
    if (error instanceof BerthError) return { code: error.code, message: error.message };
    this.host.reportInternal(method, error);
    return { code: 'INTERNAL', message: `${method} failed: ${error instanceof Error ? error.message : String(error)}` };
  }

  private respond(frame: ResponseFrame): void {
    if (this.closed) return;
    try {
      this.transport.send(frame);
    } catch {
      this.end();
    }
  }

  private backlog(): number {
    return this.transport.backlog?.() ?? 0;
  }

  private drained(): void {
    if (this.closed) return;
    if (this.stateBehind && this.stopDeltas) {
      this.stateBehind = false;
      this.send({ type: 'state.snapshot', state: this.host.feed.snapshot() });
    }
    const waiting = [...this.logsWaiting];
    this.logsWaiting.clear();
    for (const subscription of waiting) subscription.ready();
  }

  private end(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribeState();
    for (const subscription of this.logs.values()) subscription.close();
    this.logs.clear();
    this.logsWaiting.clear();
    for (const stop of this.subscriptions.values()) stop();
    this.subscriptions.clear();
    this.host.ended(this);
  }
}
