import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openStore, type Store } from '../../agent-core/store';
import { openTempStore } from '../fixtures/temp-store';
import { runTsxScript } from '../fixtures/tsx-script';
import { waitFor } from '../fixtures/wait';
import { databaseOf } from '../../agent-core/store/open-store';

let store: Store;
let storagePath: string;
let cleanup: () => void;
beforeEach(() => ({ store, storagePath, cleanup } = openTempStore()));
afterEach(() => cleanup());

describe('deploy log', () => {
  it('keeps a slot’s events in the order they happened', () => {
    const source = { kind: 'git' as const, branch: 'main' };
    store.deployLog.append({ slotId: 'slot_1', deploymentId: 'dep_a', event: 'started', source, trigger: 'server' });
    store.deployLog.append({ slotId: 'slot_2', deploymentId: 'dep_b', event: 'started', trigger: 'local' });
    store.deployLog.append({ slotId: 'slot_1', deploymentId: 'dep_a', event: 'failed', error: 'install exited with code 1' });
    const events = store.deployLog.list('slot_1');
    expect(events.map((entry) => entry.event)).toEqual(['started', 'failed']);
    expect(events[0]).toMatchObject({ deploymentId: 'dep_a', source, trigger: 'server', error: null });
    expect(events[1]).toMatchObject({ source: null, error: 'install exited with code 1' });
  });

  it('refuses to change or delete an event once logged', () => {
    const entry = store.deployLog.append({ slotId: 'slot_1', event: 'started' });
    expect(() => databaseOf(store).prepare("UPDATE deploy_log SET event = 'ready' WHERE id = ?").run(entry.id)).toThrow(/append-only/);
    expect(() => databaseOf(store).prepare('DELETE FROM deploy_log WHERE id = ?').run(entry.id)).toThrow(/append-only/);
    expect(() => databaseOf(store).prepare('DELETE FROM deploy_log').run()).toThrow(/append-only/);
    expect(store.deployLog.list('slot_1')).toEqual([entry]);
  });

  it('keeps every event a writer reported as saved when the writer is killed mid-write', async () => {
    store.close();
    const writer = runTsxScript('store-deploy-log-writer.ts', [storagePath]);
    try {
      await waitFor(() => writer.lines.length >= 300, 'the writer to report 300 saved events', { timeoutMs: 20_000 });
      writer.child.kill('SIGKILL');
      const exit = await writer.exited;
      expect(exit.signal).toBe('SIGKILL');
    } finally {
      writer.child.kill('SIGKILL');
    }
    const reported = writer.lines.map(Number);
    expect(reported.every((id) => Number.isInteger(id) && id > 0)).toBe(true);

    const check = new Database(join(storagePath, DATABASE_FILE));
    try {
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      check.close();
    }
    const reopened = openStore(storagePath);
    try {
      const saved = new Set(reopened.deployLog.list('slot_killed').map((entry) => entry.id));
      expect(reported.filter((id) => !saved.has(id))).toEqual([]);
    } finally {
      reopened.close();
    }
  });
});
