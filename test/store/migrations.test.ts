import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BerthError } from '../../agent-core/protocol';
import { DATABASE_FILE, MIGRATIONS, openStore, type Migration } from '../../agent-core/store';
import { makeTempDir } from '../fixtures/temp-dir';
import { databaseOf } from '../../agent-core/store/open-store';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

function tempStoragePath(): string {
  const dir = makeTempDir('berth-migrations-');
  cleanups.push(dir.cleanup);
  return join(dir.path, 'storage');
}

function rawVersion(storagePath: string): number {
  const db = new Database(join(storagePath, DATABASE_FILE));
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}

describe('migrations', () => {
  it('creates the storage folder and the whole schema at first open', () => {
    const storagePath = tempStoragePath();
    const store = openStore(storagePath);
    const tables = databaseOf(store)
      .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all()
      .map((row) => row.name);
    expect(tables.sort()).toEqual(['commands', 'deploy_log', 'deployments', 'meta', 'outbox', 'processes', 'slots', 'snapshots', 'working_copies']);
    expect(databaseOf(store).pragma('journal_mode', { simple: true })).toBe('wal');
    expect(databaseOf(store).pragma('foreign_keys', { simple: true })).toBe(1);
    expect(databaseOf(store).pragma('synchronous', { simple: true })).toBe(1);
    store.close();
    expect(rawVersion(storagePath)).toBe(MIGRATIONS.length);
  });

  it('applies each migration once, however often the store is reopened', () => {
    const storagePath = tempStoragePath();
    let runs = 0;
    const counted: Migration = {
      name: 'counted step',
      up: (db) => {
        runs += 1;
        db.exec('CREATE TABLE counted (x TEXT)');
      },
    };
    openStore(storagePath).close();
    for (let i = 0; i < 3; i++) openStore(storagePath, { migrations: [...MIGRATIONS, counted] }).close();
    expect(runs).toBe(1);
    expect(rawVersion(storagePath)).toBe(MIGRATIONS.length + 1);
  });

  it('keeps slots and deployments across a reopen', () => {
    const storagePath = tempStoragePath();
    const first = openStore(storagePath);
    first.slots.upsert({ id: 'slot_1', name: 'qa-1', workspace: 'acme', origin: 'server', specJson: '{}' });
    const deployment = first.deployments.insert({ slotId: 'slot_1', source: { kind: 'git', branch: 'main' }, trigger: 'server' });
    first.close();

    const second = openStore(storagePath);
    expect(second.slots.get('slot_1')?.name).toBe('qa-1');
    expect(second.deployments.get(deployment.id)).toEqual(deployment);
    second.close();
  });

  it('refuses a database written by a newer Berth and says to update Berth', () => {
    const storagePath = tempStoragePath();
    openStore(storagePath).close();
    const db = new Database(join(storagePath, DATABASE_FILE));
    db.pragma(`user_version = ${MIGRATIONS.length + 5}`);
    db.close();

    let refusal: unknown;
    try {
      openStore(storagePath);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(BerthError);
    expect((refusal as BerthError).code).toBe('INTERNAL');
    expect((refusal as BerthError).message).toMatch(/newer version of Berth/);
    expect((refusal as BerthError).message).toMatch(/Update Berth/);
    expect(rawVersion(storagePath)).toBe(MIGRATIONS.length + 5);
  });

  it('leaves the database as it was when a migration fails', () => {
    const storagePath = tempStoragePath();
    const broken: Migration = {
      name: 'broken step',
      up: (db) => {
        db.exec('CREATE TABLE half_done (x TEXT)');
        throw new Error('disk I/O error');
      },
    };
    expect(() => openStore(storagePath, { migrations: [...MIGRATIONS, broken] })).toThrow(/broken step.*disk I\/O error/);

    expect(rawVersion(storagePath)).toBe(MIGRATIONS.length);
    const store = openStore(storagePath);
    const halfDone = databaseOf(store).prepare("SELECT name FROM sqlite_schema WHERE name = 'half_done'").get();
    expect(halfDone).toBeUndefined();
    store.close();
  });
});
