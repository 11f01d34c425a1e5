import type { LogSubscription } from '../logs';
import type { LogMessage } from '../protocol/control-plane';
import type { SlotLogFollow, SlotManager } from '../slots';

/**
 * Bytes of output per `log` frame. JSON can make a byte of terminal output six (a control
 * character becomes \u001b), so this keeps every frame well under the 1 MiB limit.
 */
export const MAX_LOG_DATA_BYTES = 64 * 1024;

/** Where `log` frames go: the welcomed session. */
export interface LogChannel {
  /**
   * Sends one frame and returns false once the socket's buffer is full; `onWritten` runs when the
   * frame has left the process, which is when a full channel may be ready again.
   */
  send(frame: LogMessage, onWritten: () => void): boolean;
}

interface Active {
  slotId: string;
  subscription: LogSubscription;
}

/**
 * The server's live log subscriptions, which last as long as the connection they were made on.
 * Output reaches the socket without ever making a slot wait: while the socket is full the slot's
 * log fan-out holds a bounded queue, then drops output; the next frame's `offset` jumps past the
 * dropped range (an empty frame marks its end at once).
 */
export class LogSubscriptions {
  private readonly active = new Map<string, Active>();

  constructor(private readonly slots: SlotManager) {}

  get size(): number {
    return this.active.size;
  }

  /**
   * Streams the slot's output from now on, or one deployment's from an offset of its log; the same
   * subscription id again replaces the earlier one.
   */
  subscribe(subscriptionId: string, slotId: string, channel: LogChannel, follow: SlotLogFollow = {}): void {
    const controller = this.slots.require(slotId);
    this.unsubscribe(subscriptionId);
    let waiting = false;
    const onWritten = (): void => {
      if (!waiting) return;
      waiting = false;
      subscription.ready();
    };
    const subscription = controller.subscribeLogs({
      send: ({ deploymentId, event }) => {
        // An empty frame at the end of the dropped range shows the gap now, not at the next output.
        const pieces = event.kind === 'gap' ? [{ offset: event.toOffset - event.fromOffset, text: '' }] : splitByBytes(event.data, MAX_LOG_DATA_BYTES);
        const start = event.kind === 'gap' ? event.fromOffset : event.offset;
        let open = true;
        for (const piece of pieces) {
          const frame: LogMessage = { type: 'log', subscriptionId, slotId, deploymentId, offset: start + piece.offset, data: piece.text };
          open = channel.send(frame, onWritten) && open;
        }
        if (!open) waiting = true;
        return open;
      },
    }, follow);
    this.active.set(subscriptionId, { slotId, subscription });
  }

  /** False when there was no such subscription. */
  unsubscribe(subscriptionId: string): boolean {
    const active = this.active.get(subscriptionId);
    if (!active) return false;
    active.subscription.close();
    this.active.delete(subscriptionId);
    return true;
  }

  /** The connection ended: its subscriptions end with it. */
  closeAll(): void {
    for (const subscriptionId of [...this.active.keys()]) this.unsubscribe(subscriptionId);
  }

  /** A removed slot's subscriptions end. */
  closeForSlot(slotId: string): void {
    for (const [subscriptionId, active] of [...this.active]) if (active.slotId === slotId) this.unsubscribe(subscriptionId);
  }
}

/** Cuts text into pieces of at most `maxBytes` UTF-8 bytes, never inside a character; `offset` is each piece's byte offset. */
export function splitByBytes(text: string, maxBytes: number): { offset: number; text: string }[] {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return [{ offset: 0, text }];
  const pieces: { offset: number; text: string }[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + maxBytes, bytes.length);
    while (end < bytes.length && end > start && (bytes[end]! & 0xc0) === 0x80) end -= 1;
    pieces.push({ offset: start, text: bytes.subarray(start, end).toString('utf8') });
    start = end;
  }
  return pieces;
}
