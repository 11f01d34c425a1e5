import type Database from 'better-sqlite3';
import type { ReliableBody, ReliableMessage } from '../protocol/control-plane';
import { isDiskFull, type Store } from '../store';
import { fitFrame } from './frame-fit';

interface OutboxRow {
  seq: number;
  body_json: string;
}

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

function prepareStatements(db: Database.Database) {
  return {
    insert: db.prepare<[string, string, string], { seq: number }>('INSERT INTO outbox (type, body_json, created_at) VALUES (?, ?, ?) RETURNING seq'),
    insertAt: db.prepare<[number, string, string, string]>('INSERT INTO outbox (seq, type, body_json, created_at) VALUES (?, ?, ?, ?)'),
    lastSeq: db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'"),
    bumpSequence: db.prepare<[number]>("UPDATE sqlite_sequence SET seq = ? WHERE name = 'outbox'"),
    startSequence: db.prepare<[number]>("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?)"),
    deleteUpTo: db.prepare<[number]>('DELETE FROM outbox WHERE seq <= ?'),
    after: db.prepare<[number, number], OutboxRow>('SELECT seq, body_json FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?'),
    all: db.prepare<[], OutboxRow & { type: string; created_at: string }>('SELECT * FROM outbox ORDER BY seq'),
    count: db.prepare<[], { count: number }>('SELECT COUNT(*) AS count FROM outbox'),
  };
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
  private readonly statements: ReturnType<typeof prepareStatements>;
  private sender: ReliableSender | null = null;
  /** The highest seq handed to a session of this process. */
  private sentUpTo = 0;
  private unwritten: Unwritten[] = [];
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly options: OutboxOptions = {},
  ) {
    this.statements = prepareStatements(store.db);
  }

  /** The highest seq ever assigned; 0 before the first message. */
  get lastSeq(): number {
    return this.unwritten.at(-1)?.message.seq ?? this.statements.lastSeq.get()?.seq ?? 0;
  }

  get size(): number {
    return this.statements.count.get()!.count + this.unwritten.filter((entry) => !entry.acked).length;
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
          const { seq } = this.statements.insert.get(fitted.type, JSON.stringify(fitted), new Date().toISOString())!;
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
          if (!acked) this.statements.insertAt.run(message.seq, message.type, JSON.stringify({ ...message, seq: undefined }), new Date().toISOString());
        }
        this.raiseSequence(this.unwritten.at(-1)!.message.seq);
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
      const rows = this.statements.after.all(this.sentUpTo, RESEND_BATCH);
      if (rows.length === 0) break;
      for (const row of rows) {
        if (!this.transmit({ ...JSON.parse(row.body_json), seq: row.seq } as ReliableMessage)) return { resent, renumbered };
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
    const stored = this.statements.all.all().map((row) => ({ ...JSON.parse(row.body_json), seq: row.seq }) as ReliableMessage);
    return [...stored, ...this.unwritten.filter((entry) => !entry.acked).map((entry) => entry.message)];
  }

  private acknowledge(seq: number): void {
    if (seq <= 0) return;
    for (const entry of this.unwritten) if (entry.message.seq <= seq) entry.acked = true;
    try {
      this.statements.deleteUpTo.run(seq);
    } catch (error) {
      // A delete needs a little room in the WAL too; the rows go with the next ack.
      if (!isDiskFull(error)) throw error;
      this.options.onDiskFull?.(error);
    }
  }

  private retryWrite(): void {
    if (!this.store.db.open) return;
    try {
      this.writeUnwritten();
    } catch {
      // Not a full disk: the next message's add() meets the same error and reports it.
    }
  }

  /** sqlite_sequence must not hand out a seq that a message kept in memory already had. */
  private raiseSequence(seq: number): void {
    const current = this.statements.lastSeq.get();
    if (current === undefined) this.statements.startSequence.run(seq);
    else if (current.seq < seq) this.statements.bumpSequence.run(seq);
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
    const stored = this.store.durable(() => {
      const rows = this.statements.all.all();
      this.statements.deleteUpTo.run(Number.MAX_SAFE_INTEGER);
      if (this.statements.lastSeq.get() === undefined) this.statements.startSequence.run(ackedSeq);
      else this.statements.bumpSequence.run(ackedSeq);
      rows.forEach((row, index) => this.statements.insertAt.run(ackedSeq + index + 1, row.type, row.body_json, row.created_at));
      return rows.length;
    });
    // What the disk could not take yet follows, numbered after them.
    this.unwritten.forEach((entry, index) => (entry.message = { ...entry.message, seq: ackedSeq + stored + index + 1 }));
  }
}
