import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../agent-core/store';
import { openTempStore } from '../fixtures/temp-store';
import { databaseOf } from '../../agent-core/store/open-store';

let store: Store;
let cleanup: () => void;
beforeEach(() => ({ store, cleanup } = openTempStore()));
afterEach(() => cleanup());

function synchronous(): number {
  return databaseOf(store).pragma('synchronous', { simple: true }) as number;
}

const FULL = 2;
const NORMAL = 1;

describe('durable', () => {
  it('commits durable writes with synchronous FULL and goes back to NORMAL afterwards', () => {
    const seen = store.durable(() => {
      databaseOf(store).prepare("INSERT INTO meta (key, value) VALUES ('a', '1')").run();
      return { synchronous: synchronous(), inTransaction: databaseOf(store).inTransaction };
    });
    expect(seen).toEqual({ synchronous: FULL, inTransaction: true });
    expect(synchronous()).toBe(NORMAL);
    expect(databaseOf(store).prepare("SELECT value FROM meta WHERE key = 'a'").get()).toEqual({ value: '1' });
  });

  it('rolls back everything and goes back to NORMAL when the work throws', () => {
    expect(() =>
      store.durable(() => {
        databaseOf(store).prepare("INSERT INTO meta (key, value) VALUES ('b', '1')").run();
        throw new Error('halfway');
      }),
    ).toThrow('halfway');
    expect(synchronous()).toBe(NORMAL);
    expect(databaseOf(store).prepare("SELECT value FROM meta WHERE key = 'b'").get()).toBeUndefined();
  });

  it('refuses to run inside an ordinary transaction, whose commit would not be durable', () => {
    const outer = databaseOf(store).transaction(() => store.durable(() => 1));
    expect(() => outer()).toThrow(/inside an ordinary transaction/);
    expect(synchronous()).toBe(NORMAL);
  });

  it('nests inside another durable call', () => {
    const value = store.durable(() => store.durable(() => synchronous()));
    expect(value).toBe(FULL);
    expect(synchronous()).toBe(NORMAL);
  });
});
