import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BerthError } from '../../agent-core/protocol';
import type { Store } from '../../agent-core/store';
import { openTempStore } from '../fixtures/temp-store';

let store: Store;
let cleanup: () => void;
beforeEach(() => ({ store, cleanup } = openTempStore()));
afterEach(() => cleanup());

const QA1 = { id: 'slot_1', name: 'qa-1', workspace: 'acme', origin: 'server' as const, specJson: '{"v":1}' };

describe('slots', () => {
  it('starts a new slot stopped and available, and lists slots by workspace and name', () => {
    store.slots.upsert({ ...QA1, id: 'slot_2', name: 'qa-2' });
    const created = store.slots.upsert(QA1);
    expect(created).toMatchObject({ desiredState: 'stopped', status: 'available', liveColor: null, error: null });
    expect(store.slots.list().map((slot) => slot.name)).toEqual(['qa-1', 'qa-2']);
  });

  it('keeps a slot’s state and creation time when its spec is saved again', () => {
    const created = store.slots.upsert(QA1);
    store.slots.setDesiredState('slot_1', 'running');
    store.slots.setStatus('slot_1', 'running', 'green', null);
    const updated = store.slots.upsert({ ...QA1, specJson: '{"v":2}', origin: 'local' });
    expect(updated).toMatchObject({ specJson: '{"v":2}', origin: 'local', desiredState: 'running', status: 'running', liveColor: 'green' });
    expect(updated.createdAt).toBe(created.createdAt);
  });

  it('records a slot’s error with its status', () => {
    store.slots.upsert(QA1);
    const failed = store.slots.setStatus('slot_1', 'error', null, 'service exited with code 1');
    expect(store.slots.get('slot_1')).toEqual(failed);
    expect(failed).toMatchObject({ status: 'error', error: 'service exited with code 1' });
  });

  it('refuses a second slot with the same name in one workspace, since they would share a folder', () => {
    store.slots.upsert(QA1);
    expect(() => store.slots.upsert({ ...QA1, id: 'slot_other' })).toThrow(/already exists in workspace 'acme' with id slot_1/);
    expect(store.slots.upsert({ ...QA1, id: 'slot_other', workspace: 'beta' }).id).toBe('slot_other');
  });

  it('remembers which working copies ran their initial commands and which version each holds', () => {
    store.slots.upsert(QA1);
    expect(store.slots.getWorkingCopy('slot_1', 'blue')).toBeNull();
    store.slots.setWorkingCopyDeployment('slot_1', 'blue', 'dep_a');
    const blue = store.slots.markInitialized('slot_1', 'blue');
    expect(blue).toMatchObject({ slotId: 'slot_1', copy: 'blue', deploymentId: 'dep_a' });
    expect(blue.initializedAt).not.toBeNull();
    expect(store.slots.getWorkingCopy('slot_1', 'green')).toBeNull();
  });

  it('removes a slot together with its working copies and deployments', () => {
    store.slots.upsert(QA1);
    store.slots.markInitialized('slot_1', 'single');
    const deployment = store.deployments.insert({ slotId: 'slot_1', source: { kind: 'git', branch: 'main' }, trigger: 'server' });
    expect(store.slots.remove('slot_1')).toBe(true);
    expect(store.slots.get('slot_1')).toBeNull();
    expect(store.slots.getWorkingCopy('slot_1', 'single')).toBeNull();
    expect(store.deployments.get(deployment.id)).toBeNull();
    expect(store.slots.remove('slot_1')).toBe(false);
  });

  it('answers NOT_FOUND for a slot this host does not have', () => {
    const attempts = [
      () => store.slots.setStatus('slot_missing', 'running', null, null),
      () => store.slots.setDesiredState('slot_missing', 'running'),
      () => store.slots.markInitialized('slot_missing', 'single'),
    ];
    for (const attempt of attempts) {
      expect(attempt).toThrow(BerthError);
      expect(attempt).toThrow(/slot_missing is not known/);
    }
  });
});
