import type Database from 'better-sqlite3';
import { BerthError } from '../protocol';

/** Runs `fn` in one transaction whose commit waits until the data is on the disk. */
export type Durable = <T>(fn: () => T) => T;

/**
 * The store runs with `synchronous = NORMAL`: in WAL mode a crash of the process never loses a
 * commit, only a power cut can lose the last ones. Writes that promise something to someone else
 * (the deploy log, the outbox) must survive that too, so they commit with `synchronous = FULL`.
 *
 * The pragma is switched on the one connection around the transaction rather than kept on a second
 * connection: better-sqlite3 is synchronous, so no other statement can run on this connection
 * between the switch and the commit, while a second connection in the same process would fight the
 * first for WAL's single write lock and block the event loop in its busy handler.
 */
export function makeDurable(db: Database.Database): Durable {
  let depth = 0;
  return <T>(fn: () => T): T => {
    // Inside another durable call the outer commit is the one that syncs; a savepoint is enough.
    if (depth > 0) return db.transaction(fn)();
    if (db.inTransaction) {
      throw new BerthError(
        'INTERNAL',
        'store.durable() was called inside an ordinary transaction, whose commit would not wait for the disk; call it outside that transaction.',
      );
    }
    db.pragma('synchronous = FULL');
    depth += 1;
    try {
      return db.transaction(fn).immediate();
    } finally {
      depth -= 1;
      db.pragma('synchronous = NORMAL');
    }
  };
}
