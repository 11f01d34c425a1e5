import type { ReliableBody, ReliableMessage } from '../protocol/control-plane';
import { isDiskFull, type OutboxRow, type Store } from '../store';
import { fitFrame } from './frame-fit';

/** Sends one numbered message on the welcomed session; false when the socket could not take it. */
export type ReliableSender = (message: ReliableMessage) => boolean;

const RESEND_BATCH = 500;
const RETRY_WRITE_MS = 5_000;

/** A numbered message the disk could not take yet, with the writes that belong in its transaction. */
interface Unwritten {
  message: ReliableMessage;
  alongside: (() => void) | undefined;
  /** The server acknowledged it already: only `alongside` and the sequence still need the disk. */
  acked: boolean;
}

export interface OutboxOptions {
  /** A write found the disk full (the caller may give back reserved room). */
  onDiskFull?(error: unknown): void;
}

/**
 * Every reliable message the agent reports, numbered over the installation's whole life. A message
 * is on the disk before it is sent, and stays there until the server acknowledges it; a newly
 * welcomed session gets the unacknowledged ones again, in order, before anything new.
 *
 * When the disk is full a message cannot be committed, and dropping it would break the promise. It
 * is numbered and kept in memory instead (sent all the same), and written, in order and before any
 * newer message, as soon as the disk takes it: at the next message, or every 5 s. Only a crash of
 * the agent while the disk is still full loses what is kept, and only what the server has not
 * acknowledged by then.
 */
export class Outbox {
  private sender: ReliableSender | null = null;
  /** The highest seq handed to a session of this process. */
  private sentUpTo = 0;
  private unwritten: Unwritten[] = [];
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly options: OutboxOptions = {},
  ) {}

  /** The highest seq ever assigned; 0 before the first message. */
  get lastSeq(): number {
    return this.unwritten.at(-1)?.message.seq ?? this.store.outbox.lastSeq() ?? 0;
  }

  get size(): number {
    return this.store.outbox.count() + this.unwritten.filter((entry) => !entry.acked).length;
  }

  /** Messages numbered but not on the disk yet (the disk was full). */
  get unwrittenCount(): number {
    return this.unwritten.length;
  }

  /**
   * Numbers the message and commits it (together with `alongside`, in the same transaction) in a
   * commit that waits for the disk; then sends it if a welcomed session is attached.
   */
  add(body: ReliableBody, alongside?: () => void): ReliableMessage {
    const fitted = fitFrame(body);
    let message: ReliableMessage | null = null;
    if (this.writeUnwritten()) {
      try {
        message = this.store.durable(() => {
          alongside?.();
          const seq = this.store.outbox.append(fitted.type, JSON.stringify(fitted));
          return { ...fitted, seq } as ReliableMessage;
        });
      } catch (error) {
        if (!isDiskFull(error)) throw error;
        this.options.onDiskFull?.(error);
      }
    }
    if (message === null) {
      message = { ...fitted, seq: this.lastSeq + 1 } as ReliableMessage;
      this.unwritten.push({ message, alongside, acked: false });
      this.retry ??= setInterval(() => this.retryWrite(), RETRY_WRITE_MS).unref();
    }
    if (this.sender !== null && message.seq === this.sentUpTo + 1) this.transmit(message);
    return message;
  }

  /**
   * Writes what the disk could not take before, in order, in one durable transaction. True when
   * nothing is left unwritten; false while the disk is still full.
   */
  writeUnwritten(): boolean {
    if (this.unwritten.length === 0) return true;
    try {
      this.store.durable(() => {
        for (const { message, alongside, acked } of this.unwritten) {
          alongside?.();
          if (!acked) this.store.outbox.insertAt(message.seq, message.type, JSON.stringify({ ...message, seq: undefined }));
        }
        // sqlite_sequence must not hand out a seq that a message kept in memory already had.
        this.store.outbox.raiseSequence(this.unwritten.at(-1)!.message.seq);
      });
    } catch (error) {
      if (!isDiskFull(error)) throw error;
      this.options.onDiskFull?.(error);
      return false;
    }
    this.unwritten = [];
    if (this.retry) clearInterval(this.retry);
    this.retry = null;
    return true;
  }

  /**
   * A welcomed session: drops what the server has stored and re-sends the rest in order. A server
   * that has stored more than this agent ever numbered (its storage was reset, say) would take the
   * next seqs for duplicates, so the unsent messages are renumbered after its `ackedSeq` first.
   */
  attach(ackedSeq: number, send: ReliableSender): { resent: number; renumbered: boolean } {
    const renumbered = ackedSeq > this.lastSeq;
    this.writeUnwritten();
    if (renumbered) this.renumberAfter(ackedSeq);
    else this.acknowledge(ackedSeq);
    this.sender = send;
    this.sentUpTo = Math.min(ackedSeq, this.lastSeq);
    let resent = 0;
    for (;;) {
      const rows = this.store.outbox.after(this.sentUpTo, RESEND_BATCH);
      if (rows.length === 0) break;
      for (const row of rows) {
        if (!this.transmit(toMessage(row))) return { resent, renumbered };
        resent += 1;
      }
    }
    for (const { message, acked } of this.unwritten) {
      if (acked || message.seq <= this.sentUpTo) continue;
      if (!this.transmit(message)) return { resent, renumbered };
      resent += 1;
    }
    return { resent, renumbered };
  }

  /** The session ended: nothing is sent until the next welcome. */
  detach(): void {
    this.sender = null;
  }

  /**
   * A cumulative ack. The server cannot have stored what this session never sent it, so an ack
   * beyond that only acknowledges what was sent. Returns the seq actually acknowledged.
   */
  ack(seq: number): number {
    const upTo = Math.min(seq, this.sentUpTo);
    this.acknowledge(upTo);
    return upTo;
  }

  /** The messages not yet acknowledged, oldest first. */
  pending(): ReliableMessage[] {
    const stored = this.store.outbox.all().map(toMessage);
    return [...stored, ...this.unwritten.filter((entry) => !entry.acked).map((entry) => entry.message)];
  }

  private acknowledge(seq: number): void {
    if (seq <= 0) return;
    for (const entry of this.unwritten) if (entry.message.seq <= seq) entry.acked = true;
    try {
      this.store.outbox.deleteUpTo(seq);
    } catch (error) {
      // A delete needs a little room in the WAL too; the rows go with the next ack.
      if (!isDiskFull(error)) throw error;
      this.options.onDiskFull?.(error);
    }
  }

  private retryWrite(): void {
    if (!this.store.isOpen) return;
    try {
      this.writeUnwritten();
    } catch {
      // Not a full disk: the next message's add() meets the same error and reports it.
    }
  }

  private transmit(message: ReliableMessage): boolean {
    if (this.sender === null || !this.sender(message)) {
      this.detach();
      return false;
    }
    this.sentUpTo = message.seq;
    return true;
  }

  private renumberAfter(ackedSeq: number): void {
    const stored = this.store.outbox.renumberAfter(ackedSeq);
    // What the disk could not take yet follows, numbered after them.
    this.unwritten.forEach((entry, index) => (entry.message = { ...entry.message, seq: ackedSeq + stored + index + 1 }));
  }
}

function toMessage(row: OutboxRow): ReliableMessage {
  return { ...JSON.parse(row.bodyJson), seq: row.seq } as ReliableMessage;
}
