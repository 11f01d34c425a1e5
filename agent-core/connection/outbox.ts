import type Database from 'better-sqlite3';
import type { ReliableBody, ReliableMessage } from '../protocol/control-plane';
import type { Store } from '../store';
import { fitFrame } from './frame-fit';

interface OutboxRow {
  seq: number;
  body_json: string;
}

/** Sends one numbered message on the welcomed session; false when the socket could not take it. */
export type ReliableSender = (message: ReliableMessage) => boolean;

const RESEND_BATCH = 500;

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
 */
export class Outbox {
  private readonly statements: ReturnType<typeof prepareStatements>;
  private sender: ReliableSender | null = null;
  /** The highest seq handed to a session of this process. */
  private sentUpTo = 0;

  constructor(private readonly store: Store) {
    this.statements = prepareStatements(store.db);
  }

  /** The highest seq ever assigned; 0 before the first message. */
  get lastSeq(): number {
    return this.statements.lastSeq.get()?.seq ?? 0;
  }

  get size(): number {
    return this.statements.count.get()!.count;
  }

  /**
   * Numbers the message and commits it (together with `alongside`, in the same transaction) in a
   * commit that waits for the disk; then sends it if a welcomed session is attached.
   */
  add(body: ReliableBody, alongside?: () => void): ReliableMessage {
    const fitted = fitFrame(body);
    const message = this.store.durable(() => {
      alongside?.();
      const { seq } = this.statements.insert.get(fitted.type, JSON.stringify(fitted), new Date().toISOString())!;
      return { ...fitted, seq } as ReliableMessage;
    });
    if (this.sender !== null && message.seq === this.sentUpTo + 1) this.transmit(message);
    return message;
  }

  /**
   * A welcomed session: drops what the server has stored and re-sends the rest in order. A server
   * that has stored more than this agent ever numbered (its storage was reset, say) would take the
   * next seqs for duplicates, so the unsent messages are renumbered after its `ackedSeq` first.
   */
  attach(ackedSeq: number, send: ReliableSender): { resent: number; renumbered: boolean } {
    const renumbered = ackedSeq > this.lastSeq;
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
    return this.statements.all.all().map((row) => ({ ...JSON.parse(row.body_json), seq: row.seq }) as ReliableMessage);
  }

  private acknowledge(seq: number): void {
    if (seq > 0) this.statements.deleteUpTo.run(seq);
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
    this.store.durable(() => {
      const rows = this.statements.all.all();
      this.statements.deleteUpTo.run(Number.MAX_SAFE_INTEGER);
      if (this.statements.lastSeq.get() === undefined) this.statements.startSequence.run(ackedSeq);
      else this.statements.bumpSequence.run(ackedSeq);
      rows.forEach((row, index) => this.statements.insertAt.run(ackedSeq + index + 1, row.type, row.body_json, row.created_at));
    });
  }
}
