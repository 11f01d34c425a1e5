import type { LogSubscriber, LogSubscription, SubscribeOptions } from './log-fanout';
import type { LogRange } from './log-range';
import { readLogRange } from './log-reader';

// Stored output goes out in pieces of this size (the control plane's `log` frames carry 64 KiB).
const CATCH_UP_BYTES = 64 * 1024;

/** A log a follower can read from an offset, and join live once it has read all of it. */
export interface FollowedLog {
  read(from: number, maxBytes: number): Promise<LogRange>;
  /**
   * Streams the output written from now on, only if the log ends at `offset` now (nothing was
   * appended after it); else null, and the follower reads on. A finished log ends the subscriber.
   */
  liveFrom(offset: number, subscriber: LogSubscriber, options: SubscribeOptions): LogSubscription | null;
}

/**
 * Streams a log's stored output from `fromOffset`, then its live output, with no byte twice and none
 * missing: it reads in pieces, at the subscriber's pace, until it has read to the log's end, and joins
 * the live stream in the same tick it found the end, so no output can fall between the two.
 */
export function followLog(log: FollowedLog, subscriber: LogSubscriber, fromOffset: number, options: SubscribeOptions = {}): LogSubscription {
  const follower = new LogFollower(log, subscriber, options);
  void follower.run(fromOffset);
  return follower;
}

/**
 * A deployment's log that nothing writes now, read from its file. It ends where it ended when first
 * read: were the deployment started again, its new output reaches readers live, not twice.
 */
export function finishedLog(path: string): FollowedLog {
  let end: number | null = null;
  return {
    read: async (from, maxBytes) => {
      const range = await readLogRange(path, from, maxBytes);
      end ??= range.end;
      const kept = Math.max(0, Math.min(range.data.length, end - range.offset));
      return { ...range, data: range.data.subarray(0, kept), end };
    },
    liveFrom: (_offset, subscriber) => {
      subscriber.end?.();
      return { ready: () => undefined, close: () => undefined };
    },
  };
}

class LogFollower implements LogSubscription {
  private live: LogSubscription | null = null;
  private closed = false;
  private wake: (() => void) | null = null;
  // Counts ready() calls, so one that comes inside `send` (before the follower waits) is not lost.
  private readyCalls = 0;

  constructor(
    private readonly log: FollowedLog,
    private readonly subscriber: LogSubscriber,
    private readonly options: SubscribeOptions,
  ) {}

  ready(): void {
    if (this.live !== null) return this.live.ready();
    this.readyCalls++;
    this.resume();
  }

  close(): void {
    this.closed = true;
    this.live?.close();
    this.resume();
  }

  async run(fromOffset: number): Promise<void> {
    let next = fromOffset;
    try {
      while (!this.closed) {
        const range = await this.log.read(next, CATCH_UP_BYTES);
        if (this.closed) return;
        if (range.data.length === 0) {
          // Caught up (or asked for offsets not written yet): the live stream takes over from the end.
          this.live = this.log.liveFrom(range.end, this.subscriber, this.options);
          if (this.live !== null) return;
          next = range.end;
          continue;
        }
        next = range.offset + range.data.length;
        const readyCalls = this.readyCalls;
        const more = this.subscriber.send({ kind: 'data', offset: range.offset, data: range.data.toString('utf8') });
        if (!more && this.readyCalls === readyCalls && !this.closed) await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } catch {
      // The log went away (removed by retention): nothing more to stream.
      if (!this.closed) this.subscriber.end?.();
    }
  }

  private resume(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
