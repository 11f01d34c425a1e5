import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BerthError } from '../protocol';
import { DeployLogRepository } from './deploy-log-repository';
import { DeploymentRepository } from './deployment-repository';
import { makeDurable, type Durable } from './durable';
import { migrate } from './migrate';
import { MIGRATIONS, type Migration } from './migrations';
import { OutboxRepository } from './outbox-repository';
import { ProcessRepository } from './process-repository';
import { SlotRepository } from './slot-repository';
import { SnapshotRepository } from './snapshot-repository';
import { CommandRepository } from './command-repository';

export const DATABASE_FILE = 'berth.db';

export interface StoreOptions {
  /** How long a statement waits for another process's write lock before failing. */
  busyTimeoutMs?: number;
  /** The schema steps to apply: MIGRATIONS, or (in tests) MIGRATIONS with steps appended. */
  migrations?: readonly Migration[];
}

export interface Store {
  /** Full path of berth.db. */
  readonly path: string;
  readonly slots: SlotRepository;
  readonly deployments: DeploymentRepository;
  readonly deployLog: DeployLogRepository;
  readonly processes: ProcessRepository;
  readonly snapshots: SnapshotRepository;
  /** The control plane's numbered messages, kept until acknowledged. */
  readonly outbox: OutboxRepository;
  /** The control plane's commands seen, with their results. */
  readonly commands: CommandRepository;
  readonly durable: Durable;
  /** False once closed: work a timer left behind finds nothing to write to. */
  readonly isOpen: boolean;
  close(): void;
}

// SQL stays in this folder: the rest of the agent goes through the repositories. Tests that look at
// the schema itself reach the connection with databaseOf().
const databases = new WeakMap<Store, Database.Database>();

/** The store's SQLite connection, for tests of the schema and of durability; the agent never needs it. */
export function databaseOf(store: Store): Database.Database {
  const db = databases.get(store);
  if (db === undefined) throw new Error('not a store opened by openStore()');
  return db;
}

/** Opens (creating it when needed) `{storagePath}/berth.db` and brings its schema up to date. */
export function openStore(storagePath: string, options: StoreOptions = {}): Store {
  const path = join(storagePath, DATABASE_FILE);
  let db: Database.Database;
  try {
    mkdirSync(storagePath, { recursive: true, mode: 0o700 });
    // Created private before SQLite opens it: SQLite gives the -wal and -shm files the database's mode.
    closeSync(openSync(path, 'a', 0o600));
    db = new Database(path);
  } catch (error) {
    throw cannotOpen(path, error);
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5_000}`);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') {
      throw new BerthError(
        'INTERNAL',
        `The database at ${path} cannot use write-ahead logging (journal mode ${String(mode)}); choose a storage path on a local disk.`,
      );
    }
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, options.migrations ?? MIGRATIONS, path);
  } catch (error) {
    db.close();
    throw error instanceof BerthError ? error : cannotOpen(path, error);
  }
  const durable = makeDurable(db);
  const store: Store = {
    path,
    slots: new SlotRepository(db),
    deployments: new DeploymentRepository(db),
    deployLog: new DeployLogRepository(db, durable),
    processes: new ProcessRepository(db),
    snapshots: new SnapshotRepository(db),
    outbox: new OutboxRepository(db, durable),
    commands: new CommandRepository(db),
    durable,
    get isOpen() {
      return db.open;
    },
    close: () => db.close(),
  };
  databases.set(store, db);
  return store;
}

function cannotOpen(path: string, error: unknown): BerthError {
  const reason = error instanceof Error ? error.message : String(error);
  return new BerthError(
    'INTERNAL',
    `Berth could not open its database at ${path}: ${reason}. Check that the storage path exists, is writable and is not used by another program.`,
  );
}
