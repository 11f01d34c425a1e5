import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BerthError } from '../protocol';

/** A SQLite file whose exclusive lock says "an agent runs with this storage folder". */
export const LOCK_FILE = 'agent.lock';
/** The lock holder's pid, beside the lock, for the message a second agent prints. */
export const LOCK_OWNER_FILE = 'agent.lock.pid';

/** Another agent holds the storage folder; `pid` is null when it has not written its pid yet. */
export class StorageInUseError extends Error {
  constructor(
    readonly storagePath: string,
    readonly pid: number | null,
  ) {
    const who = pid === null ? 'another Berth agent' : `another Berth agent (pid ${pid})`;
    super(`${who} is using ${storagePath}; 'berth-agent status' talks to it (stop it first to run one here)`);
    this.name = 'StorageInUseError';
  }
}

export interface StorageLock {
  release(): void;
}

/**
 * One storage folder, one agent. The lock is SQLite's own: a separate database opened with
 * `locking_mode = EXCLUSIVE` and written once keeps an OS lock on the file (fcntl on POSIX,
 * LockFileEx on Windows) until the connection closes, and the OS drops it when the process dies,
 * so a crashed agent never leaves a stale lock. Lock files made with mkdir or O_EXCL (such as
 * proper-lockfile's) are not OS locks: they outlive a crash and need a staleness guess.
 */
export function lockStorage(storagePath: string): StorageLock {
  const path = join(storagePath, LOCK_FILE);
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: 0 });
  } catch (error) {
    throw new BerthError('INTERNAL', `Berth could not open its lock file ${path}: ${(error as Error).message}. Check that the storage folder is writable.`);
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL); DELETE FROM holder;');
    db.prepare('INSERT INTO holder (pid) VALUES (?)').run(process.pid);
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY' || (error as { code?: string }).code === 'SQLITE_LOCKED') {
      throw new StorageInUseError(storagePath, readOwner(storagePath));
    }
    throw new BerthError('INTERNAL', `Berth could not lock its storage folder ${storagePath}: ${(error as Error).message}`);
  }
  const ownerPath = join(storagePath, LOCK_OWNER_FILE);
  // Only the holder writes it, so a pid read from it while the lock is held is the holder's.
  try {
    writeFileSync(ownerPath, `${process.pid}\n`);
  } catch {
    // A full disk: the second agent's message then names no pid, and nothing else depends on it.
  }
  let released = false;
  return {
    release: () => {
      if (released) return;
      released = true;
      rmSync(ownerPath, { force: true });
      db.close();
    },
  };
}

function readOwner(storagePath: string): number | null {
  try {
    const pid = Number(readFileSync(join(storagePath, LOCK_OWNER_FILE), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
