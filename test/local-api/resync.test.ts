import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { API_PATH, readLocalApiAccess } from '../../agent-core/local-api';
import { LocalApiClient, createWebSocketTransport, type AgentState, type Frame, type Transport } from '../../agent-core/protocol/local-api';
import { TRANSPORT_KINDS, startLocalApiHarness, type LocalApiHarness } from '../fixtures/local-api';
import { expectInSync, localSlotDefinition, watchState } from '../fixtures/local-api-watch';
import { waitFor } from '../fixtures/wait';

/** The transport with the first state delta after `armed()` lost on its way, and the requests it carried counted. */
function lossy(inner: Transport): { transport: Transport; arm(): void; requests: string[] } {
  let armed = false;
  const requests: string[] = [];
  const transport: Transport = {
    send(frame: Frame) {
      if (frame.type === 'request') requests.push(frame.method);
      inner.send(frame);
    },
    onFrame(listener) {
      inner.onFrame((frame) => {
        const event = (frame as { type?: string; event?: { type?: string } }).event;
        if (armed && event?.type === 'state.delta') {
          armed = false;
          return;
        }
        listener(frame);
      });
    },
    onClose: (listener) => inner.onClose(listener),
    close: () => inner.close(),
  };
  return { transport, arm: () => (armed = true), requests };
}

describe.each(TRANSPORT_KINDS)('state resynchronisation over %s', (kind) => {
  let harness: LocalApiHarness;
  beforeEach(async () => {
    harness = await startLocalApiHarness(kind);
  });
  afterEach(async () => {
    await harness.close();
  });

  it('sends a snapshot, then deltas whose versions grow by one', async () => {
    const client = await harness.connect();
    const watch = watchState(client);
    await watch.until(() => true, 'the snapshot');
    await client.call('localSlots.create', localSlotDefinition(harness, 'web-1'));
    await client.call('slot.deploy', { slot: 'web-1' });
    await expectInSync(client, harness);
    const versions = watch.states.map((state) => state.version);
    expect(versions.length).toBeGreaterThan(5);
    versions.slice(1).forEach((version, index) => expect(version).toBe(versions[index]! + 1));
  });

  it('asks for a fresh snapshot when a delta goes missing, and never applies the ones after the gap', async () => {
    const { transport, arm, requests } = lossy(await harness.openTransport());
    const client = new LocalApiClient(transport);
    const watch = watchState(client);
    await watch.until(() => true, 'the first snapshot');
    arm();
    await client.call('localSlots.create', localSlotDefinition(harness, 'web-1'));
    await client.call('slot.deploy', { slot: 'web-1' });
    await waitFor(() => requests.filter((method) => method === 'state.subscribe').length === 2, 'a second state.subscribe');
    await expectInSync(client, harness);
    expect(requests.filter((method) => method === 'state.subscribe')).toHaveLength(2);
    expect(watch.latest().slots[0]?.status.status).toBe('running');
    client.close();
  });

  it('resynchronises after a reconnect and shows no state from before it once connected again', async () => {
    const first = await harness.openTransport();
    const client = new LocalApiClient(first);
    const watch = watchState(client);
    const before = await watch.until(() => true, 'the first snapshot');
    const connections: boolean[] = [];
    client.on('connection', (connected) => connections.push(connected));

    first.close();
    await waitFor(() => !client.connected, 'the client to notice the closed connection');
    expect(client.isStateLive).toBe(false);
    const changer = await harness.connect();
    await changer.call('localSlots.create', localSlotDefinition(harness, 'web-1'));
    await changer.call('settings.update', { name: 'renamed-while-away' });
    expect(watch.states.at(-1)).toBe(before);
    await expect(client.call('state.get')).rejects.toMatchObject({ message: expect.stringContaining('not connected') });

    const seen = watch.states.length;
    client.connect(await harness.openTransport());
    const after = await watch.until((state) => state.slots.length === 1, 'the state made while away');
    expect(after.settings.name).toBe('renamed-while-away');
    expect(watch.states.slice(seen).every((state: AgentState) => state.slots.length === 1 && state.host.name === 'renamed-while-away')).toBe(true);
    expect(connections).toEqual([false, true]);
    await changer.call('slot.deploy', { slot: 'web-1' });
    await expectInSync(client, harness);
    client.close();
  });

  it('rejects the calls in flight when the connection closes, and answers again after a reconnect', async () => {
    const first = await harness.openTransport();
    const client = new LocalApiClient(first);
    await client.call('localSlots.create', localSlotDefinition(harness, 'web-1'));
    const deploying = client.call('slot.deploy', { slot: 'web-1' });
    first.close();
    await expect(deploying).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('closed before it answered slot.deploy') });
    client.connect(await harness.openTransport());
    await waitFor(async () => (await client.call('deployments.list', { slot: 'web-1' })).deployments[0]?.status === 'ready', 'the deployment to finish on the agent');
    client.close();
  });
});

describe('state back-pressure', () => {
  let harness: LocalApiHarness;
  beforeEach(async () => {
    harness = await startLocalApiHarness('websocket');
  });
  afterEach(async () => {
    await harness.close();
  });

  it('stops sending deltas to a client that does not read, then sends it one snapshot once it has caught up', async () => {
    const { port, token } = readLocalApiAccess(harness.agent.storagePath);
    const socket = new WebSocket(`ws://127.0.0.1:${port}${API_PATH}`, { headers: { Authorization: `Bearer ${token}` } });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const inner = createWebSocketTransport(socket);
    const seen = { delta: 0, snapshot: 0 };
    const counting: Transport = {
      ...inner,
      onFrame: (listener) =>
        inner.onFrame((frame) => {
          const type = (frame as { event?: { type?: string } }).event?.type;
          if (type === 'state.delta') seen.delta++;
          if (type === 'state.snapshot') seen.snapshot++;
          listener(frame);
        }),
    };
    const client = new LocalApiClient(counting);
    await harness.connect().then((other) => other.call('localSlots.create', localSlotDefinition(harness, 'web-1')));
    const watch = watchState(client);
    await watch.until((state) => state.slots.length === 1, 'the slot in the first snapshot');

    socket.pause();
    const status = harness.agent.runtime.slots.require('web-1').statusSnapshot;
    const padding = 'x'.repeat(4096);
    const emitted = 4000;
    for (let index = 0; index < emitted; index++) {
      harness.agent.runtime.events.emit('slot.status', { ...status, error: `${index} ${padding}`, updatedAt: new Date(index).toISOString() });
      if (index % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    socket.resume();

    await expectInSync(client, harness);
    expect(seen.snapshot).toBe(1);
    expect(seen.delta).toBeLessThan(emitted);
    client.close();
  });
});
