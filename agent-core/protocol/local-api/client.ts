import { BerthError } from '../errors';
import { describeIssues } from '../zod-issues';
import type { SlotMetrics } from '../traffic-metrics';
import { LocalApiEvent, type LogChunk, type LogEvent, type MetricsEvent, type ProgressEvent } from './events';
import { LocalApiError, ServerFrame } from './frames';
import { LocalApiRequests, type LocalApiMethod, type RequestParamsInput, type RequestResult } from './requests';
import type { AgentState } from './state';
import { StateSync } from './state-sync';
import type { Transport } from './transport';

export interface LocalApiClientEvents {
  /** The state moved to a new version the agent had. */
  state: AgentState;
  progress: ProgressEvent;
  /** True once a transport is attached, false when it closes. */
  connection: boolean;
  /** A frame or an event the client could not read, or a listener that threw. */
  error: Error;
}

type RequiredKeys<T> = { [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? never : K }[keyof T];

/** Params may be left out for the calls that need none. */
export type CallArgs<M extends LocalApiMethod> = [RequiredKeys<RequestParamsInput<M>>] extends [never]
  ? [params?: RequestParamsInput<M>]
  : [params: RequestParamsInput<M>];

export interface LogStream {
  close(): Promise<void>;
}

export interface MetricsStream extends LogStream {
  /** The history when the stream opened. */
  readonly metrics: SlotMetrics[];
}

type StreamMethod = 'logs.subscribe' | 'metrics.subscribe';

interface Pending {
  method: LocalApiMethod;
  transport: Transport;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface StreamEntry<M extends StreamMethod> {
  method: M;
  params: RequestParamsInput<M>;
  subscriptionId: string | null;
  /** The subscription's answer, each time it is opened (again after a reconnect). */
  opened?(result: RequestResult<M>): void;
}

interface LogStreamEntry extends StreamEntry<'logs.subscribe'> {
  listener: (event: LogEvent) => void;
}

interface MetricsStreamEntry extends StreamEntry<'metrics.subscribe'> {
  listener: (event: MetricsEvent) => void;
}

const UNSUBSCRIBE = { 'logs.subscribe': 'logs.unsubscribe', 'metrics.subscribe': 'metrics.unsubscribe' } as const;

type Listener<K extends keyof LocalApiClientEvents> = (value: LocalApiClientEvents[K]) => void;

/**
 * The one way into the agent for the window, the desktop main process and the CLI, over whichever
 * transport is attached. Results and events are validated against the schemas; the state
 * subscription keeps a copy equal to the agent's, and after a reconnect (`connect` with a new
 * transport) it and every log stream are set up again.
 */
export class LocalApiClient {
  private transport: Transport | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<keyof LocalApiClientEvents, Set<(value: never) => void>>();
  private readonly sync = new StateSync();
  private readonly stateWatchers = new Set<(state: AgentState) => void>();
  private resyncing = false;
  private readonly logStreams = new Set<LogStreamEntry>();
  private readonly metricsStreams = new Set<MetricsStreamEntry>();

  constructor(transport?: Transport) {
    if (transport) this.connect(transport);
  }

  get connected(): boolean {
    return this.transport !== null;
  }

  /** The last state received, or null before the first snapshot; stale while `isStateLive` is false. */
  get state(): AgentState | null {
    return this.sync.state;
  }

  /** True when `state` is the agent's current state as far as this client can know. */
  get isStateLive(): boolean {
    return this.connected && this.sync.isSynced;
  }

  /** Attaches a new transport (the first one, or after the last one closed; an open one is closed) and resynchronises. */
  connect(transport: Transport): void {
    const previous = this.transport;
    if (previous) {
      this.detach(previous, 'replaced by a new connection');
      previous.close();
    }
    this.transport = transport;
    transport.onFrame((frame) => this.receive(transport, frame));
    transport.onClose((reason) => this.detach(transport, reason));
    this.emit('connection', true);
    if (this.stateWatchers.size > 0) this.resync();
    for (const entry of [...this.logStreams, ...this.metricsStreams]) {
      void this.openStream(entry).catch((error: Error) => this.emit('error', error));
    }
  }

  close(): void {
    const transport = this.transport;
    if (!transport) return;
    this.detach(transport, 'the client closed the connection');
    transport.close();
  }

  call<M extends LocalApiMethod>(method: M, ...[params]: CallArgs<M>): Promise<RequestResult<M>> {
    return new Promise<RequestResult<M>>((resolve, reject) => this.request(method, params ?? {}, resolve, reject));
  }

  /** Sends one request; its callbacks run in the same turn as the answer's frame, before any later frame. */
  private request<M extends LocalApiMethod>(
    method: M,
    params: RequestParamsInput<M> | Record<string, never>,
    resolve: (result: RequestResult<M>) => void,
    reject: (error: Error) => void,
  ): void {
    const transport = this.transport;
    if (!transport) {
      reject(notConnected());
      return;
    }
    const id = this.nextId++;
    this.pending.set(id, { method, transport, resolve: resolve as (value: unknown) => void, reject });
    try {
      transport.send({ type: 'request', id, method, params });
    } catch (error) {
      this.pending.delete(id);
      reject(new BerthError('INTERNAL', `could not send ${method} to the agent: ${(error as Error).message}`));
    }
  }

  on<K extends keyof LocalApiClientEvents>(event: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (value: never) => void);
    return () => set.delete(listener as (value: never) => void);
  }

  /** Calls `listener` with each state the agent goes through, starting with the current one. */
  watchState(listener: (state: AgentState) => void): () => void {
    this.stateWatchers.add(listener);
    if (this.sync.isSynced && this.sync.state) listener(this.sync.state);
    else this.resync();
    return () => {
      if (!this.stateWatchers.delete(listener) || this.stateWatchers.size > 0) return;
      this.sync.clear();
      if (this.transport) void this.call('state.unsubscribe').catch(() => undefined);
    };
  }

  /**
   * Streams a slot's live output, or with `fromOffset` one deployment's log from that offset; the
   * stream is opened again after a reconnect, where it got to.
   */
  async subscribeLogs(params: RequestParamsInput<'logs.subscribe'>, listener: (event: LogEvent) => void): Promise<LogStream> {
    const entry: LogStreamEntry = { method: 'logs.subscribe', params, listener, subscriptionId: null };
    return this.startStream(entry, this.logStreams);
  }

  /**
   * Follows a slot's traffic (or every blue-green slot's): the history now, then `listener` gets a
   * `metrics` event per finished step. After a reconnect the stream is opened again and
   * `onReopen` gets the history anew (the steps missed meanwhile are in it).
   */
  async subscribeMetrics(
    params: RequestParamsInput<'metrics.subscribe'>,
    listener: (event: MetricsEvent) => void,
    onReopen?: (metrics: SlotMetrics[]) => void,
  ): Promise<MetricsStream> {
    let first: SlotMetrics[] | null = null;
    const entry: MetricsStreamEntry = {
      method: 'metrics.subscribe',
      params,
      listener,
      subscriptionId: null,
      opened: ({ metrics }) => {
        if (first === null) first = metrics;
        else onReopen?.(metrics);
      },
    };
    const stream = await this.startStream(entry, this.metricsStreams);
    return { metrics: first ?? [], close: stream.close };
  }

  private async startStream<E extends LogStreamEntry | MetricsStreamEntry>(entry: E, streams: Set<E>): Promise<LogStream> {
    streams.add(entry);
    try {
      await this.openStream(entry);
    } catch (error) {
      streams.delete(entry);
      throw error;
    }
    return {
      close: async () => {
        if (!streams.delete(entry) || entry.subscriptionId === null || !this.transport) return;
        await this.call(UNSUBSCRIBE[entry.method], { subscriptionId: entry.subscriptionId });
      },
    };
  }

  /** Like resync, takes the subscription id in the answer's own turn, so no event that follows it is missed. */
  private openStream(entry: LogStreamEntry | MetricsStreamEntry): Promise<void> {
    entry.subscriptionId = null;
    const streams: Set<LogStreamEntry | MetricsStreamEntry> = entry.method === 'logs.subscribe' ? this.logStreams : this.metricsStreams;
    return new Promise((resolve, reject) =>
      this.request(
        entry.method,
        entry.params,
        (result: RequestResult<'logs.subscribe'> | RequestResult<'metrics.subscribe'>) => {
          if (streams.has(entry)) {
            entry.subscriptionId = result.subscriptionId;
            (entry.opened as ((value: typeof result) => void) | undefined)?.(result);
          } else void this.call(UNSUBSCRIBE[entry.method], { subscriptionId: result.subscriptionId }).catch(() => undefined);
          resolve();
        },
        reject,
      ),
    );
  }

  /**
   * Asks for a snapshot. The answer is applied synchronously as its frame arrives: a transport that
   * hands several frames over in one turn (a WebSocket does) would otherwise deliver the deltas
   * after it first, and they would be dropped as stale.
   */
  private resync(): void {
    const transport = this.transport;
    if (this.resyncing || !transport) return;
    this.resyncing = true;
    this.sync.desync();
    this.request(
      'state.subscribe',
      {},
      (snapshot) => {
        this.resyncing = false;
        if (this.transport !== transport || this.stateWatchers.size === 0) return;
        this.applySnapshot(snapshot);
      },
      (error) => {
        this.resyncing = false;
        if (this.transport === transport) this.emit('error', error);
      },
    );
  }

  private applySnapshot(snapshot: AgentState): void {
    this.sync.applySnapshot(snapshot);
    this.publishState(snapshot);
  }

  private publishState(state: AgentState): void {
    for (const watcher of this.stateWatchers) this.guard(() => watcher(state));
    this.emit('state', state);
  }

  private receive(transport: Transport, raw: unknown): void {
    if (this.transport !== transport) return;
    const frame = ServerFrame.safeParse(raw);
    if (!frame.success) {
      this.emit('error', new BerthError('INVALID_PAYLOAD', `the agent sent a frame this client cannot read: ${describeIssues(frame.error, 'frame')}`));
      return;
    }
    if (frame.data.type === 'response') {
      const pending = this.pending.get(frame.data.id);
      if (!pending) return;
      this.pending.delete(frame.data.id);
      if (!frame.data.ok) {
        pending.reject(new LocalApiError(frame.data.error));
        return;
      }
      const result = LocalApiRequests[pending.method].result.safeParse(frame.data.result);
      if (result.success) pending.resolve(result.data);
      else pending.reject(new BerthError('INVALID_PAYLOAD', `the agent answered ${pending.method} with a result this client cannot read: ${describeIssues(result.error, 'result')}`));
      return;
    }
    const event = LocalApiEvent.safeParse(frame.data.event);
    if (!event.success) {
      this.emit('error', new BerthError('INVALID_PAYLOAD', `the agent sent an event this client cannot read: ${describeIssues(event.error, 'event')}`));
      return;
    }
    this.dispatch(event.data);
  }

  private dispatch(event: LocalApiEvent): void {
    switch (event.type) {
      case 'state.snapshot':
        if (this.stateWatchers.size > 0) this.applySnapshot(event.state);
        return;
      case 'state.delta': {
        if (this.stateWatchers.size === 0 || this.resyncing) return;
        const outcome = this.sync.applyDelta(event.version, event.delta);
        if (outcome === 'applied') this.publishState(this.sync.state!);
        else if (outcome === 'gap') this.resync();
        return;
      }
      case 'progress':
        this.emit('progress', event.progress);
        return;
      case 'log':
        for (const entry of this.logStreams) {
          if (entry.subscriptionId !== event.subscriptionId) continue;
          // A stream that started at an offset goes on after a reconnect from where it got to, not from its start.
          if (entry.params.fromOffset !== undefined) entry.params = { ...entry.params, fromOffset: chunkEnd(event.chunk) };
          this.guard(() => entry.listener(event));
        }
        return;
      case 'metrics':
        for (const entry of this.metricsStreams) {
          if (entry.subscriptionId === event.subscriptionId) this.guard(() => entry.listener(event));
        }
        return;
    }
  }

  private detach(transport: Transport, reason: string): void {
    if (this.transport !== transport) return;
    this.transport = null;
    this.sync.desync();
    this.resyncing = false;
    for (const entry of [...this.logStreams, ...this.metricsStreams]) entry.subscriptionId = null;
    for (const [id, pending] of this.pending) {
      if (pending.transport !== transport) continue;
      this.pending.delete(id);
      pending.reject(new BerthError('INTERNAL', `the connection to the agent closed before it answered ${pending.method} (${reason})`));
    }
    this.emit('connection', false);
  }

  private emit<K extends keyof LocalApiClientEvents>(event: K, value: LocalApiClientEvents[K]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      if (event === 'error') (listener as Listener<'error'>)(value as Error);
      else this.guard(() => (listener as Listener<K>)(value));
    }
  }

  /** A listener that throws must not stop the others or the frame loop. */
  private guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.emit('error', error instanceof Error ? error : new Error(String(error)));
    }
  }
}

function notConnected(): BerthError {
  return new BerthError('INTERNAL', 'not connected to the agent; is it running?');
}

/** The log offset after a chunk: where a stream that lost its connection goes on from. */
function chunkEnd(chunk: LogChunk): number {
  if (chunk.kind === 'gap') return chunk.toOffset;
  let bytes = 0;
  for (const character of chunk.data) {
    const code = character.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return chunk.offset + bytes;
}
