import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRANSPORT_KINDS } from '../fixtures/local-api';
import { expectInSync, localSlotDefinition, watchState } from '../fixtures/local-api-watch';
import { sampleSlotSpec } from '../fixtures/slot-spec';
import { makeTempDir } from '../fixtures/temp-dir';
import { useLocalApiHarness } from './local-api-fixtures';
import { localJob } from '../../agent-core/slots';
import { SlotSpec } from '../../agent-core/protocol';

const SECRET_SPEC = {
  repository: { url: 'https://git.example.com/acme/web.git', token: 'ghp_repository_token_1234' },
  variables: { ApiToken: 'variable-secret-5678' },
};

describe.each(TRANSPORT_KINDS)('local slots over %s', (kind) => {
  const local = useLocalApiHarness(kind);

  function secretDefinition() {
    const definition = localSlotDefinition(local.harness, 'web-1', 'v1', SECRET_SPEC);
    definition.spec.template.variables = [{ name: 'ApiToken', secret: true }];
    return definition;
  }

  it('shows every secret of a local slot as *** in answers and in the state', async () => {
    const { harness, client } = local;
    const watch = watchState(client);
    const created = await client.call('localSlots.create', secretDefinition());
    expect(created.spec.repository?.token).toBe('***');
    expect(created.spec.variables.ApiToken).toBe('***');
    const state = await watch.until((current) => current.slots.length === 1, 'the new slot in the state');
    const text = JSON.stringify([created, state, await client.call('state.get')]);
    expect(text).not.toContain('ghp_repository_token_1234');
    expect(text).not.toContain('variable-secret-5678');
    expect(harness.agent.runtime.slots.require('web-1').currentSpec.repository?.token).toBe('ghp_repository_token_1234');
  });

  it('updates a local slot, keeping a secret sent back as *** and refusing one it never had', async () => {
    const { harness, client } = local;
    watchState(client);
    const created = await client.call('localSlots.create', secretDefinition());
    const edited = structuredClone(created.spec);
    edited.url = 'http://web-1.local:8080';
    const updated = await client.call('localSlots.update', { slot: 'web-1', spec: edited });
    expect(updated.spec.url).toBe('http://web-1.local:8080');
    const spec = harness.agent.runtime.slots.require('web-1').currentSpec;
    expect(spec.repository?.token).toBe('ghp_repository_token_1234');
    expect(spec.variables.ApiToken).toBe('variable-secret-5678');

    const unknown = structuredClone(edited);
    unknown.template.variables.push({ name: 'Other', secret: true });
    unknown.variables.Other = '***';
    await expect(client.call('localSlots.update', { slot: 'web-1', spec: unknown })).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
      message: expect.stringContaining('var/Other'),
    });
    await expectInSync(client, harness);
  });

  it('keeps its source in local-slots.json and takes a new one on update', async () => {
    const { harness, client } = local;
    const definition = localSlotDefinition(harness, 'web-1');
    await client.call('localSlots.create', definition);
    const other = localSlotDefinition(harness, 'web-1-next');
    const updated = await client.call('localSlots.update', { slot: 'local/web-1', spec: definition.spec, source: other.source });
    expect(updated.source).toEqual(other.source);
    const stored = JSON.parse(readFileSync(join(harness.agent.storagePath, 'local-slots.json'), 'utf8')) as Record<string, unknown>;
    expect(stored).toEqual({ 'web-1': other.source });
    const deployment = await client.call('slot.deploy', { slot: 'web-1' });
    expect(deployment.source).toMatchObject({ kind: 'directory', path: other.folder });
  });

  it('refuses a directory outside the source roots, a branch without a repository and a name already taken', async () => {
    const { harness, client } = local;
    const outside = makeTempDir();
    try {
      const definition = localSlotDefinition(harness, 'web-1');
      await expect(client.call('localSlots.create', { ...definition, source: { kind: 'directory', path: outside.path } })).rejects.toMatchObject({
        code: 'PATH_NOT_ALLOWED',
      });
      await expect(client.call('localSlots.create', { ...definition, source: { kind: 'git', branch: 'main' } })).rejects.toMatchObject({
        code: 'INVALID_PAYLOAD',
        message: expect.stringContaining('repository'),
      });
      await client.call('localSlots.create', definition);
      const twin = localSlotDefinition(harness, 'web-2');
      twin.spec.name = 'web-1';
      await expect(client.call('localSlots.create', twin)).rejects.toMatchObject({ message: expect.stringContaining('local/web-1 already exists') });
      await expect(client.call('localSlots.create', definition)).rejects.toMatchObject({ message: expect.stringContaining("id 'web-1' already exists") });
      expect((await client.call('state.get')).slots.map((slot) => slot.id)).toEqual(['web-1']);
    } finally {
      outside.cleanup();
    }
  });

  it('removes a local slot with its deployments, and the state drops it', async () => {
    const { harness, client } = local;
    const watch = watchState(client);
    await client.call('localSlots.create', localSlotDefinition(harness, 'web-1'));
    const deployment = await client.call('slot.deploy', { slot: 'web-1' });
    await client.call('localSlots.remove', { slot: 'web-1' });
    await watch.until((state) => state.slots.length === 0, 'the slot to leave the state');
    await expect(fetch(`http://127.0.0.1:${deployment.port}/`)).rejects.toThrow();
    await expect(client.call('deployments.list', { slot: 'web-1' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(readFileSync(join(harness.agent.storagePath, 'local-slots.json'), 'utf8')).not.toContain('web-1');
    await expectInSync(client, harness);
  });

  it('keeps the spec of a slot from the control plane read-only but starts, stops and restarts it', async () => {
    const { harness, client } = local;
    const folder = localSlotDefinition(harness, 'pushed').folder;
    const controller = await harness.agent.runtime.slots.define(SlotSpec.parse(sampleSlotSpec({ id: 'slot_pushed', name: 'pushed' })), 'server');
    await controller.deploy({ source: { kind: 'directory', path: folder }, trigger: 'server' }, localJob('test', 'server-job'));
    const { slots } = await client.call('state.get');
    expect(slots[0]).toMatchObject({ id: 'slot_pushed', origin: 'server', source: null });

    await expect(client.call('localSlots.update', { slot: 'pushed', spec: slots[0]!.spec })).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
      message: expect.stringContaining('read-only'),
    });
    await expect(client.call('localSlots.remove', { slot: 'acme-web/pushed' })).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    await expect(client.call('slot.stop', { slot: 'pushed' })).resolves.toMatchObject({ status: 'available' });
    await expect(client.call('slot.start', { slot: 'pushed' })).resolves.toMatchObject({ status: 'running' });
    await expect(client.call('slot.restart', { slot: 'pushed' })).resolves.toMatchObject({ status: 'running' });
    const again = await client.call('slot.deploy', { slot: 'pushed' });
    expect(again.source).toMatchObject({ kind: 'directory', path: folder });
  });
});
