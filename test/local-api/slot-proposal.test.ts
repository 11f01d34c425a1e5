import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalApiClient } from '../../agent-core/protocol/local-api';
import { findFreePort } from '../../agent-core/traffic';
import { startLocalApiHarness, type LocalApiHarness } from '../fixtures/local-api';
import { localSlotDefinition } from '../fixtures/local-api-watch';
import { makeTempDir } from '../fixtures/temp-dir';

// Over the WebSocket with the token file: the door `berth-agent up` uses.
describe('a slot proposed for a folder', () => {
  let harness: LocalApiHarness;
  let client: LocalApiClient;
  const outside = makeTempDir('berth-proposal-outside-');
  const folder = (name: string, files: Record<string, string>): string => {
    const path = join(harness.agent.sourceRoot, name);
    mkdirSync(path, { recursive: true });
    for (const [file, content] of Object.entries(files)) writeFileSync(join(path, file), content);
    return path;
  };

  beforeAll(async () => {
    harness = await startLocalApiHarness('websocket');
    client = await harness.connect();
    writeFileSync(join(outside.path, 'index.html'), '<h1>outside</h1>');
  });
  afterAll(async () => {
    await harness.close();
    outside.cleanup();
  });

  it('is refused for a folder outside the source roots, also through a symlink that leads out of one', async () => {
    await expect(client.call('localSlots.propose', { path: outside.path })).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' });
    const link = join(harness.agent.sourceRoot, 'leads-out');
    symlinkSync(outside.path, link, 'dir');
    await expect(client.call('localSlots.propose', { path: link })).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED', message: expect.stringContaining('leads to') });
  });

  it('is a blue-green local slot named after the folder on a free port from 8080, and creates nothing', async () => {
    const path = folder('My Site', { 'index.html': '<h1>hi</h1>' });
    const proposal = await client.call('localSlots.propose', { path });
    expect(proposal).toMatchObject({ kind: 'static', existingSlotId: null, templateChanged: false, source: { kind: 'directory', path } });
    expect(proposal.spec).toMatchObject({ id: 'my-site', name: 'my-site', workspace: 'local', url: null, traffic: { mode: 'blue-green', healthCheck: { path: null } } });
    expect(proposal.spec.traffic.publicPort).toBeGreaterThanOrEqual(8080);
    expect(proposal.explanation.join('\n')).toContain('index.html found');
    expect((await client.call('state.get')).slots).toEqual([]);
    const named = await client.call('localSlots.propose', { path, name: 'brochure', publicPort: 8999 });
    expect(named.spec).toMatchObject({ name: 'brochure', traffic: { publicPort: 8999 } });
  });

  it('says what it looked for when the folder has nothing it can run', async () => {
    const path = folder('notes', { 'README.md': '# notes' });
    await expect(client.call('localSlots.propose', { path })).rejects.toMatchObject({ code: 'INVALID_PAYLOAD', message: expect.stringContaining('a Procfile with a web: line') });
  });

  it('finds the slot made from the same folder again, and tells when the folder now asks for another template', async () => {
    const path = folder('shop', { 'index.html': '<h1>shop</h1>' });
    const proposal = await client.call('localSlots.propose', { path });
    await client.call('localSlots.create', { spec: proposal.spec, source: proposal.source });
    const again = await client.call('localSlots.propose', { path });
    expect(again).toMatchObject({ existingSlotId: 'shop', templateChanged: false, spec: { id: 'shop', traffic: { publicPort: proposal.spec.traffic.publicPort } } });
    writeFileSync(join(path, 'Procfile'), 'web: python3 -m http.server $PORT\n');
    expect(await client.call('localSlots.propose', { path })).toMatchObject({ existingSlotId: 'shop', kind: 'procfile', templateChanged: true });
    const other = await client.call('localSlots.propose', { path: folder('shop-2-src', { 'index.html': '' }), name: 'shop' });
    expect(other.spec.name).toBe('shop-2');
  });

  it('keeps the first health-check path its running deployment answers, and leaves a path it has alone', async () => {
    const definition = localSlotDefinition(harness, 'web-1', 'v1', {});
    // As up makes it: blue-green, checked by a TCP connection until a path is found.
    const publicPort = await findFreePort({ range: [43000, 43999] });
    definition.spec.traffic = { mode: 'blue-green', publicPort, healthCheck: { path: null, intervalMs: 50 }, drainTimeoutMs: 0 };
    await client.call('localSlots.create', { spec: definition.spec, source: definition.source });
    await expect(client.call('localSlots.findHealthCheck', { slot: 'web-1' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await client.call('slot.deploy', { slot: 'web-1' });
    const found = await client.call('localSlots.findHealthCheck', { slot: 'web-1' });
    expect(found).toMatchObject({ path: '/healthz', expectStatus: 200, changed: true });
    expect(harness.agent.runtime.slots.require('web-1').currentSpec.traffic.healthCheck.path).toBe('/healthz');
    expect(await client.call('localSlots.findHealthCheck', { slot: 'web-1' })).toMatchObject({ path: '/healthz', changed: false });
  });
});
