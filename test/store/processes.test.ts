import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../agent-core/store';
import { openTempStore } from '../fixtures/temp-store';

let store: Store;
let storagePath: string;
let cleanup: () => void;
beforeEach(() => ({ store, storagePath, cleanup } = openTempStore()));
afterEach(() => cleanup());

describe('processes', () => {
  it('remembers the processes it started until they are removed, also across a restart', () => {
    store.processes.record({ pid: 101, startTime: 't1', slotId: 'slot_1', deploymentId: 'dep_a', label: 'web' });
    store.processes.record({ pid: 102, startTime: 't2', slotId: 'slot_2', deploymentId: null, label: 'install' });
    store.close();

    const restarted = openStore(storagePath);
    try {
      expect(restarted.processes.list().map((entry) => entry.pid)).toEqual([101, 102]);
      expect(restarted.processes.listForSlot('slot_1')).toEqual([
        expect.objectContaining({ pid: 101, startTime: 't1', slotId: 'slot_1', deploymentId: 'dep_a', label: 'web' }),
      ]);
      restarted.processes.remove(101);
      expect(restarted.processes.list().map((entry) => entry.pid)).toEqual([102]);
    } finally {
      restarted.close();
    }
  });

  it('tells apart two processes that got the same pid at different times', () => {
    store.processes.record({ pid: 7, startTime: 'early', slotId: 'slot_1', deploymentId: null, label: 'old' });
    store.processes.record({ pid: 7, startTime: 'late', slotId: 'slot_1', deploymentId: null, label: 'new' });
    store.processes.remove(7, 'early');
    expect(store.processes.list().map((entry) => entry.label)).toEqual(['new']);
  });
});
