import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BerthError } from '../../agent-core/protocol';
import type { Store } from '../../agent-core/store';
import { openTempStore } from '../fixtures/temp-store';
import { runTsxScript } from '../fixtures/tsx-script';
import { waitFor } from '../fixtures/wait';
import { databaseOf } from '../../agent-core/store/open-store';

let store: Store;
let storagePath: string;
let cleanup: () => void;
beforeEach(() => {
  ({ store, storagePath, cleanup } = openTempStore());
  store.slots.upsert({ id: 'slot_1', name: 'qa-1', workspace: 'acme', origin: 'server', specJson: '{}' });
});
afterEach(() => cleanup());

function deploy(branch = 'main') {
  return store.deployments.insert({ slotId: 'slot_1', source: { kind: 'git', branch }, trigger: 'server', commandId: `cmd_${branch}` });
}

function productionIds(): string[] {
  return databaseOf(store)
    .prepare<[], { id: string }>("SELECT id FROM deployments WHERE slot_id = 'slot_1' AND is_production = 1")
    .all()
    .map((row) => row.id);
}

describe('deployments', () => {
  it('lists a slot’s deployments newest first', () => {
    const ids = ['a', 'b', 'c', 'd'].map((branch) => deploy(branch).id);
    expect(store.deployments.listForSlot('slot_1').map((deployment) => deployment.id)).toEqual(ids.reverse());
  });

  it('starts a deployment queued and stamps the time it became ready', () => {
    const queued = deploy();
    expect(queued).toMatchObject({ id: expect.stringMatching(/^dep_/), status: 'queued', isProduction: false, readyAt: null, trigger: 'server' });
    store.deployments.update(queued.id, { status: 'starting', color: 'blue', port: 41873 });
    const ready = store.deployments.update(queued.id, {
      status: 'ready',
      source: { kind: 'git', branch: 'main', commit: '9c1e' },
      merged: ['feature/a'],
      skipped: [{ branch: 'feature/b', reason: 'conflict in app.ts' }],
    });
    expect(ready).toMatchObject({ status: 'ready', color: 'blue', port: 41873, source: { commit: '9c1e' }, merged: ['feature/a'] });
    expect(ready.readyAt).not.toBeNull();
    expect(store.deployments.get(queued.id)).toEqual(ready);
  });

  it('finds the last failed deployment of a slot with its error', () => {
    expect(store.deployments.lastFailed('slot_1')).toBeNull();
    const first = deploy('a');
    store.deployments.update(first.id, { status: 'failed', error: 'install exited with code 1' });
    const second = deploy('b');
    store.deployments.update(second.id, { status: 'failed', error: 'health check timed out' });
    deploy('c');
    expect(store.deployments.lastFailed('slot_1')).toMatchObject({ id: second.id, error: 'health check timed out' });
  });

  it('never lets a slot have two production deployments, whatever writes the table', () => {
    const [a, b] = [deploy('a'), deploy('b')];
    store.deployments.promote('slot_1', a.id);
    expect(() => databaseOf(store).prepare('UPDATE deployments SET is_production = 1 WHERE id = ?').run(b.id)).toThrow(/UNIQUE constraint failed/);
    expect(productionIds()).toEqual([a.id]);
  });

  it('promotes one deployment at a time and remembers the one before for rollback', () => {
    const [a, b] = [deploy('a'), deploy('b')];
    expect(store.deployments.production('slot_1')).toBeNull();
    expect(store.deployments.previousProduction('slot_1')).toBeNull();

    store.deployments.promote('slot_1', a.id);
    const promoted = store.deployments.promote('slot_1', b.id);
    expect(promoted).toMatchObject({ id: b.id, isProduction: true });
    expect(promoted.promotedAt).not.toBeNull();
    expect(productionIds()).toEqual([b.id]);
    expect(store.deployments.previousProduction('slot_1')?.id).toBe(a.id);

    store.deployments.promote('slot_1', a.id);
    expect(store.deployments.production('slot_1')?.id).toBe(a.id);
    expect(store.deployments.previousProduction('slot_1')?.id).toBe(b.id);
    expect(store.deployments.get(b.id)?.promotedAt).not.toBeNull();
  });

  it('leaves exactly one production deployment when two processes promote at the same time', async () => {
    const ids = ['a', 'b', 'c', 'd'].map((branch) => deploy(branch).id);
    const rounds = '150';
    const promoters = [
      runTsxScript('store-promoter.ts', [storagePath, 'slot_1', rounds, ids[0], ids[1]]),
      runTsxScript('store-promoter.ts', [storagePath, 'slot_1', rounds, ids[2], ids[3]]),
    ];
    try {
      await waitFor(() => promoters.every((promoter) => promoter.lines.includes('ready')), 'both promoters to open the store', {
        timeoutMs: 20_000,
      });
      for (const promoter of promoters) promoter.child.stdin!.write('go\n');
      const exits = await Promise.all(promoters.map((promoter) => promoter.exited));
      for (const [index, exit] of exits.entries()) {
        expect(promoters[index].stderr()).toBe('');
        expect(promoters[index].lines).toContain('done');
        expect(exit.code).toBe(0);
      }
    } finally {
      for (const promoter of promoters) promoter.child.kill('SIGKILL');
    }
    expect(productionIds()).toHaveLength(1);
    const current = store.deployments.production('slot_1')!;
    expect(store.deployments.previousProduction('slot_1')?.id).not.toBe(current.id);
  });

  it('hides a soft-deleted deployment from lists but keeps its row', () => {
    const [a, b] = [deploy('a'), deploy('b')];
    const deleted = store.deployments.softDelete('slot_1', a.id);
    expect(deleted.expiresAt).not.toBeNull();
    expect(store.deployments.listForSlot('slot_1').map((deployment) => deployment.id)).toEqual([b.id]);
    expect(store.deployments.listForSlot('slot_1', { includeDeleted: true }).map((deployment) => deployment.id)).toEqual([b.id, a.id]);
    expect(store.deployments.get(a.id)).toEqual(deleted);
  });

  it('refuses to delete the production deployment, and to promote a deleted one', () => {
    const [a, b] = [deploy('a'), deploy('b')];
    store.deployments.promote('slot_1', a.id);
    expect(() => store.deployments.softDelete('slot_1', a.id)).toThrow(/is the production deployment of slot slot_1, so it cannot be deleted/);
    expect(store.deployments.get(a.id)?.expiresAt).toBeNull();

    store.deployments.softDelete('slot_1', b.id);
    expect(() => store.deployments.promote('slot_1', b.id)).toThrow(/was deleted, so it cannot be promoted/);
    expect(productionIds()).toEqual([a.id]);
  });

  it('leaves a deleted deployment out when looking for the rollback target', () => {
    const [a, b] = [deploy('a'), deploy('b')];
    store.deployments.promote('slot_1', a.id);
    store.deployments.promote('slot_1', b.id);
    store.deployments.softDelete('slot_1', a.id);
    expect(store.deployments.previousProduction('slot_1')).toBeNull();
  });

  it('answers NOT_FOUND for a deployment of another slot or none at all', () => {
    store.slots.upsert({ id: 'slot_2', name: 'qa-2', workspace: 'acme', origin: 'server', specJson: '{}' });
    const a = deploy('a');
    for (const attempt of [
      () => store.deployments.promote('slot_2', a.id),
      () => store.deployments.softDelete('slot_1', 'dep_missing'),
      () => store.deployments.update('dep_missing', { status: 'failed' }),
    ]) {
      let error: unknown;
      try {
        attempt();
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(BerthError);
      expect((error as BerthError).code).toBe('NOT_FOUND');
    }
  });
});
