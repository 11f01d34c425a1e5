import type Database from 'better-sqlite3';
import { BerthError } from '../protocol';
import type { Migration } from './migrations';

/**
 * Brings the schema up to `migrations.length`, one migration per transaction. Each step takes the
 * write lock first (BEGIN IMMEDIATE) and re-reads the version under it, so two processes opening
 * the same database at once apply every step exactly once between them.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[], databasePath: string): void {
  const known = migrations.length;
  const step = db.transaction((version: number) => {
    if (schemaVersion(db) !== version - 1) return;
    migrations[version - 1].up(db);
    db.pragma(`user_version = ${version}`);
  });
  for (;;) {
    const current = schemaVersion(db);
    if (current > known) {
      throw new BerthError(
        'INTERNAL',
        `The database at ${databasePath} was written by a newer version of Berth (schema ${current}; this version knows up to ${known}). ` +
          'Update Berth to the latest version to open it.',
      );
    }
    if (current === known) return;
    try {
      step.immediate(current + 1);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new BerthError(
        'INTERNAL',
        `Berth could not upgrade its database at ${databasePath} (step ${current + 1}, ${migrations[current].name}): ${reason}. ` +
          'The database was left as it was; check that the disk is not full and the file is writable, then start Berth again, and report the problem if it persists.',
      );
    }
  }
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}
