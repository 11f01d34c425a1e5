export const DEFAULT_SUBSCRIBER_BUFFER_BYTES = 1024 * 1024;

/** Output at a byte offset of the log, or a byte range of it that a slow subscriber lost. */
export type LogEvent =
  | { kind: 'data'; offset: number; data: string }
  | { kind: 'gap'; fromOffset: number; toOffset: number };

/**
 * A live reader of a log, e.g. a WebSocket sender.
 *
 * `send` takes one event and must not block. It returns true while the reader can take more, and
 * false once it is full (for a WebSocket: `bufferedAmount` above its high-water mark); the reader
 * then calls `ready()` on its subscription when it can take more again (for a WebSocket: in the
 * callback of the send that drained it). Meanwhile events wait in a bounded queue; output that
 * does not fit is dropped and the reader gets one gap event for the lost range instead, after
 * what was queued before it. `end` says the log will get no more output, after everything queued
 * was sent.
 */
export interface LogSubscriber {
  send(event: LogEvent): boolean;
  end?(): void;
}

export interface LogSubscription {
  /** The subscriber can take events again. */
  ready(): void;
  /** Stops delivery; queued events are discarded. */
  close(): void;
}

export interface SubscribeOptions {
  /** Output bytes that may wait for a full subscriber before it starts losing output. */
  bufferBytes?: number;
}

interface Queued {
  event: LogEvent;
  bytes: number;
}

/** Sends each piece of a log's live output to every subscriber; `publish` never waits for any of them. */
export class LogFanout {
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  constructor(private readonly defaultBufferBytes = DEFAULT_SUBSCRIBER_BUFFER_BYTES) {}

  get subscriberCount(): number {
    return this.subscriptions.size;
  }

  /** Streams output published from now on; after close(), the subscriber is ended at once. */
  subscribe(subscriber: LogSubscriber, { bufferBytes = this.defaultBufferBytes }: SubscribeOptions = {}): LogSubscription {
    const subscription = new Subscription(subscriber, bufferBytes, () => this.subscriptions.delete(subscription));
    if (this.closed) subscription.end();
    else this.subscriptions.add(subscription);
    return subscription;
  }

  /** Hands `data`, which starts at byte `offset` of the log, to every subscriber. */
  publish(offset: number, data: string): void {
    for (const subscription of this.subscriptions) subscription.offer(offset, data);
  }

  /** No more output: each subscriber is ended once it has taken what is queued for it. */
  close(): void {
    this.closed = true;
    for (const subscription of this.subscriptions) subscription.end();
  }
}

class Subscription implements LogSubscription {
  private queue: Queued[] = [];
  private head = 0;
  private queuedBytes = 0;
  private full = false;
  // The gap at the end of the queue, still growing while the subscriber has not caught up with it.
  private openGap: { kind: 'gap'; fromOffset: number; toOffset: number } | null = null;
  private delivering = false;
  private ending = false;
  private done = false;

  constructor(
    private readonly subscriber: LogSubscriber,
    private readonly bufferBytes: number,
    private readonly onDone: () => void,
  ) {}

  offer(offset: number, data: string): void {
    if (this.done || this.ending) return;
    if (!this.full && this.head === this.queue.length) {
      this.deliver({ kind: 'data', offset, data });
      return;
    }
    const bytes = Buffer.byteLength(data, 'utf8');
    if (this.openGap !== null) {
      this.openGap.toOffset = offset + bytes;
    } else if (this.queuedBytes + bytes > this.bufferBytes) {
      this.openGap = { kind: 'gap', fromOffset: offset, toOffset: offset + bytes };
      this.queue.push({ event: this.openGap, bytes: 0 });
    } else {
      this.queue.push({ event: { kind: 'data', offset, data }, bytes });
      this.queuedBytes += bytes;
    }
  }

  ready(): void {
    this.full = false;
    if (this.delivering) return;
    this.delivering = true;
    while (!this.full && !this.done && this.head < this.queue.length) {
      const { event, bytes } = this.queue[this.head];
      this.head++;
      this.queuedBytes -= bytes;
      if (event === this.openGap) this.openGap = null;
      this.deliver(event);
    }
    this.delivering = false;
    this.compactQueue();
    if (this.ending && this.head === this.queue.length) this.finish();
  }

  end(): void {
    this.ending = true;
    if (this.head === this.queue.length) this.finish();
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    this.queue = [];
    this.head = 0;
    this.queuedBytes = 0;
    this.onDone();
  }

  private deliver(event: LogEvent): void {
    try {
      this.full = !this.subscriber.send(event);
    } catch {
      // A broken reader must not stop the producer or the other readers.
      this.close();
    }
  }

  private finish(): void {
    if (this.done) return;
    this.close();
    try {
      this.subscriber.end?.();
    } catch {
      // Same as in deliver: the reader's failure stays with the reader.
    }
  }

  private compactQueue(): void {
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
