import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalApiClient, LocalApiError, type LogEvent, type ProgressEvent } from '../../agent-core/protocol/local-api';
import { TRANSPORT_KINDS } from '../fixtures/local-api';
import { expectInSync, getVersion, localSlotDefinition, watchState } from '../fixtures/local-api-watch';
import { waitFor } from '../fixtures/wait';
import { useLocalApiHarness } from './local-api-fixtures';

describe.each(TRANSPORT_KINDS)('local API over %s', (kind) => {
  const local = useLocalApiHarness(kind);

  it('answers the state with the host, the settings and every slot', async () => {
    const { harness, client } = local;
    const definition = localSlotDefinition(harness, 'web-1');
    await client.call('localSlots.create', definition);
    const state = await client.call('state.get');
    expect(state.host).toMatchObject({ name: 'test-host', version: '0.0.0-test', storagePath: harness.agent.storagePath });
    expect(state.settings).toMatchObject({ name: 'test-host', sourceRoots: [harness.agent.sourceRoot], apiKey: 'none' });
    expect(state.connection.status).toBe('disabled');
    expect(state.slots).toEqual([
      expect.objectContaining({ id: 'web-1', origin: 'local', source: definition.source, deployments: [], status: expect.objectContaining({ status: 'available' }) }),
    ]);
  });

  it('deploys a local slot from its own source, with progress steps, live output and a state equal to the agent\'s', async () => {
    const { harness, client } = local;
    const watch = watchState(client);
    await client.call('localSlots.create', localSlotDefinition(harness, 'web-1'));
    const progress: ProgressEvent[] = [];
    client.on('progress', (event) => progress.push(event));
    const output: LogEvent[] = [];
    await client.subscribeLogs({ slot: 'web-1' }, (event) => output.push(event));

    const deployment = await client.call('slot.deploy', { slot: 'local/web-1', commandId: 'local-window-deploy-1' });

    expect(deployment).toMatchObject({ slotId: 'web-1', status: 'ready', isProduction: true, trigger: 'local', source: { kind: 'directory' } });
    expect(progress.map((event) => event.step)).toEqual(expect.arrayContaining(['source', 'startup']));
    expect(progress.every((event) => event.slotId === 'web-1' && event.commandId === 'local-window-deploy-1')).toBe(true);
    expect(progress.find((event) => event.step === 'command')).toMatchObject({ command: { name: 'web', phase: 'startup', index: 0, state: 'started', service: true } });
    await expect(client.call('slot.deploy', { slot: 'local/web-1', commandId: 'cmd_from_the_server' })).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    await waitFor(() => output.some((event) => event.chunk.kind === 'data' && event.chunk.data.includes('sample app v1 listening')), 'the app\'s output');
    expect(output.every((event) => event.deploymentId === deployment.id)).toBe(true);
    const running = await watch.until((state) => state.slots[0]?.status.status === 'running', 'the slot to run');
    expect(running.slots[0]!.deployments).toEqual([expect.objectContaining({ id: deployment.id, status: 'ready', isProduction: true })]);
    expect(watch.states.map((state) => state.slots[0]?.status.status)).toContain('deploying');
    await expect(getVersion(deployment.port!)).resolves.toBe('v1');
    await expectInSync(client, harness);
  });

  it('stops, starts and restarts a slot, and the state follows each step', async () => {
    const { harness, client } = local;
    const watch = watchState(client);
    await client.call('localSlots.create', localSlotDefinition(harness, 'web-1'));
    const deployment = await client.call('slot.deploy', { slot: 'web-1' });

    await expect(client.call('slot.stop', { slot: 'web-1' })).resolves.toMatchObject({ status: 'available', productionDeploymentId: deployment.id });
    await expect(fetch(`http://127.0.0.1:${deployment.port}/`)).rejects.toThrow();
    await watch.until((state) => state.slots[0]?.deployments[0]?.status === 'stopped', 'the deployment to show stopped');
    await expect(client.call('slot.start', { slot: 'web-1' })).resolves.toMatchObject({ status: 'running' });
    const restarted = await client.call('slot.restart', { slot: 'web-1' });
    expect(restarted.status).toBe('running');
    const port = (await client.call('deployments.list', { slot: 'web-1' })).deployments[0]!.port!;
    await expect(getVersion(port)).resolves.toBe('v1');
    expect(watch.states.map((state) => state.slots[0]?.status.status)).toEqual(expect.arrayContaining(['stopping', 'available', 'running']));
    await expectInSync(client, harness);
  });

  it('rolls back to the previous deployment and promotes the later one again', async () => {
    const { harness, client } = local;
    const definition = localSlotDefinition(harness, 'web-1');
    await client.call('localSlots.create', definition);
    const first = await client.call('slot.deploy', { slot: 'web-1' });
    writeFileSync(join(definition.folder, 'VERSION'), 'v2\n');
    const second = await client.call('slot.deploy', { slot: 'web-1', note: 'second' });
    await expect(getVersion(second.port!)).resolves.toBe('v2');

    const rolledBack = await client.call('slot.rollback', { slot: 'web-1' });
    expect(rolledBack).toMatchObject({ id: first.id, isProduction: true });
    await expect(getVersion(rolledBack.port!)).resolves.toBe('v1');
    const promoted = await client.call('slot.promote', { slot: 'web-1', deploymentId: second.id });
    expect(promoted).toMatchObject({ id: second.id, isProduction: true, note: 'second' });
    await expect(getVersion(promoted.port!)).resolves.toBe('v2');
    const { deployments } = await client.call('deployments.list', { slot: 'web-1' });
    expect(deployments.filter((deployment) => deployment.isProduction).map((deployment) => deployment.id)).toEqual([second.id]);
  });

  it('reports a failed deployment with its code and the deployment, and reads its log as the last failure', async () => {
    const { harness, client } = local;
    const definition = localSlotDefinition(harness, 'web-1', 'v1', {
      template: {
        startup: [
          { type: 'bash', name: 'build', arguments: 'echo compiling; echo "error: missing semicolon"; exit 3' },
          { type: 'bash', name: 'web', arguments: 'exec node server.cjs', service: true },
        ],
      },
    });
    await client.call('localSlots.create', definition);
    const failure = await client.call('slot.deploy', { slot: 'web-1' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LocalApiError);
    expect(failure).toMatchObject({ code: 'COMMAND_FAILED', deployment: { status: 'failed', slotId: 'web-1' } });
    expect((failure as Error).message).toMatch(/'build'.*code 3/);
    const log = await client.call('logs.read', { slot: 'web-1', which: 'failure' });
    expect(log).toMatchObject({ deploymentId: (failure as LocalApiError).deployment!.id, truncated: false });
    expect(log.text).toContain('error: missing semicolon');
    const tail = await client.call('logs.read', { slot: 'web-1', which: 'failure', tailBytes: 20 });
    expect(tail.truncated).toBe(true);
    expect(tail.text.length).toBeLessThanOrEqual(20);
  });

  it('soft-deletes a deployment, which leaves the state, and refuses to delete production', async () => {
    const { harness, client } = local;
    const watch = watchState(client);
    await client.call('localSlots.create', localSlotDefinition(harness, 'web-1'));
    const first = await client.call('slot.deploy', { slot: 'web-1' });
    const second = await client.call('slot.deploy', { slot: 'web-1' });
    await expect(client.call('deployments.delete', { slot: 'web-1', deploymentId: second.id })).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    const deleted = await client.call('deployments.delete', { slot: 'web-1', deploymentId: first.id });
    expect(deleted.expiresAt).not.toBeNull();
    const state = await watch.until((current) => current.slots[0]?.deployments.length === 1, 'the deleted deployment to leave the state');
    expect(state.slots[0]!.deployments[0]!.id).toBe(second.id);
    await expectInSync(client, harness);
  });

  it('refuses unknown slots, invalid params and unknown methods with a code a client can act on', async () => {
    const { client } = local;
    await expect(client.call('slot.start', { slot: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: "no slot 'nope' on this host" });
    await expect(client.call('logs.read', { slot: 'nope', tailBytes: -1 })).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
      message: expect.stringContaining('tailBytes'),
    });
    const call = client.call as (method: string, params: unknown) => Promise<unknown>;
    await expect(call.call(client, 'slot.explode', {})).rejects.toMatchObject({ code: 'UNKNOWN_COMMAND' });
    await expect(client.call('state.get')).resolves.toMatchObject({ slots: [] });
  });

  it('changes settings and stores the API key in the keychain without ever sending it back', async () => {
    const { harness } = local;
    const frames: unknown[] = [];
    const transport = await harness.openTransport();
    const spied = { ...transport, onFrame: (listener: (frame: unknown) => void) => transport.onFrame((frame) => { frames.push(frame); listener(frame); }) };
    const spy = new LocalApiClient(spied);
    const watch = watchState(spy);
    const secret = `bk_live_${'x'.repeat(12)}_secret`;

    await expect(spy.call('settings.update', { name: 'renamed' })).resolves.toMatchObject({ name: 'renamed' });
    await expect(spy.call('apiKey.set', { apiKey: `  ${secret}\n` })).resolves.toMatchObject({ apiKey: 'keychain' });
    expect(await harness.apiKeys.read()).toEqual({ value: secret, source: 'keychain' });
    await watch.until((state) => state.settings.apiKey === 'keychain' && state.host.name === 'renamed', 'the settings in the state');
    await expect(spy.call('settings.get')).resolves.toMatchObject({ apiKey: 'keychain' });
    await expect(spy.call('settings.update', { sourceRoots: ['relative/path'] })).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    await expect(spy.call('apiKey.clear')).resolves.toMatchObject({ apiKey: 'none' });
    expect(await harness.apiKeys.read()).toBeNull();
    expect(harness.agent.runtime.settings.name).toBe('renamed');
    expect(JSON.stringify(frames)).not.toContain(secret);
    expect(frames.length).toBeGreaterThan(5);
    spy.close();
  });

  it('stops sending a slot\'s output after unsubscribe', async () => {
    const { harness, client } = local;
    await client.call('localSlots.create', localSlotDefinition(harness, 'web-1'));
    const kept: LogEvent[] = [];
    const dropped: LogEvent[] = [];
    await client.subscribeLogs({ slot: 'web-1' }, (event) => kept.push(event));
    const stream = await client.subscribeLogs({ slot: 'web-1' }, (event) => dropped.push(event));
    await stream.close();
    await client.call('slot.deploy', { slot: 'web-1' });
    await waitFor(() => kept.some((event) => event.chunk.kind === 'data' && event.chunk.data.includes('listening')), 'output on the kept stream');
    expect(dropped).toEqual([]);
  });

  it('retries the control-plane connection on request and says why it is disabled', async () => {
    const { client } = local;
    const connection = await client.call('connection.retry');
    expect(connection.status).toBe('disabled');
    expect(connection.message).toMatch(/server URL/);
  });
});
