import type Database from 'better-sqlite3';
import type { Durable } from './durable';

/** A numbered message in the `outbox` table, its body as the JSON that was sent (without its seq). */
export interface OutboxRow {
  seq: number;
  type: string;
  bodyJson: string;
  createdAt: string;
}

interface Row {
  seq: number;
  type: string;
  body_json: string;
  created_at: string;
}

function prepareStatements(db: Database.Database) {
  return {
    insert: db.prepare<[string, string, string], { seq: number }>('INSERT INTO outbox (type, body_json, created_at) VALUES (?, ?, ?) RETURNING seq'),
    insertAt: db.prepare<[number, string, string, string]>('INSERT INTO outbox (seq, type, body_json, created_at) VALUES (?, ?, ?, ?)'),
    lastSeq: db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'"),
    bumpSequence: db.prepare<[number]>("UPDATE sqlite_sequence SET seq = ? WHERE name = 'outbox'"),
    startSequence: db.prepare<[number]>("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?)"),
    deleteUpTo: db.prepare<[number]>('DELETE FROM outbox WHERE seq <= ?'),
    after: db.prepare<[number, number], Row>('SELECT * FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?'),
    all: db.prepare<[], Row>('SELECT * FROM outbox ORDER BY seq'),
    count: db.prepare<[], { count: number }>('SELECT COUNT(*) AS count FROM outbox'),
  };
}

/**
 * The `outbox` table: reliable messages on the disk until the server acknowledges them. Seqs come
 * from AUTOINCREMENT, whose highest value ever given (in sqlite_sequence) outlives the rows, so a seq
 * is never handed out twice. Writes that go with other writes run inside the caller's transaction.
 */
export class OutboxRepository {
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(
    db: Database.Database,
    private readonly durable: Durable,
  ) {
    this.statements = prepareStatements(db);
  }

  /** Stores a message under the next seq and returns that seq. */
  append(type: string, bodyJson: string): number {
    return this.statements.insert.get(type, bodyJson, new Date().toISOString())!.seq;
  }

  /** Stores a message under a seq it was given while the disk was full. */
  insertAt(seq: number, type: string, bodyJson: string): void {
    this.statements.insertAt.run(seq, type, bodyJson, new Date().toISOString());
  }

  /** The highest seq ever given; null before the first message. */
  lastSeq(): number | null {
    return this.statements.lastSeq.get()?.seq ?? null;
  }

  /** The next seq given is above `seq`: seqs handed out from memory are never given again. */
  raiseSequence(seq: number): void {
    const current = this.lastSeq();
    if (current === null) this.statements.startSequence.run(seq);
    else if (current < seq) this.statements.bumpSequence.run(seq);
  }

  deleteUpTo(seq: number): void {
    this.statements.deleteUpTo.run(seq);
  }

  /** Up to `limit` messages after `seq`, oldest first. */
  after(seq: number, limit: number): OutboxRow[] {
    return this.statements.after.all(seq, limit).map(toRow);
  }

  all(): OutboxRow[] {
    return this.statements.all.all().map(toRow);
  }

  count(): number {
    return this.statements.count.get()!.count;
  }

  /** Moves every stored message to the seqs right after `seq`, in order, in one durable transaction; returns how many moved. */
  renumberAfter(seq: number): number {
    return this.durable(() => {
      const rows = this.statements.all.all();
      this.statements.deleteUpTo.run(Number.MAX_SAFE_INTEGER);
      if (this.lastSeq() === null) this.statements.startSequence.run(seq);
      else this.statements.bumpSequence.run(seq);
      rows.forEach((row, index) => this.statements.insertAt.run(seq + index + 1, row.type, row.body_json, row.created_at));
      return rows.length;
    });
  }
}

function toRow(row: Row): OutboxRow {
  return { seq: row.seq, type: row.type, bodyJson: row.body_json, createdAt: row.created_at };
}
