import { describe, expect, it } from 'vitest';
import { readAgentOutbox } from '../fixtures/agent-outbox';
import { gitSampleSlot, withBuildStep } from '../fixtures/connected-agent';
import type { FixtureControlPlane, Frame } from '../fixtures/control-plane';
import { usePlanePerTest } from '../fixtures/plane-setup';
import { waitFor } from '../fixtures/wait';

/** Every stored seq from 1 to the highest, none missing, none stored out of order. */
function expectGapFree(plane: FixtureControlPlane): void {
  const seqs = plane.storedSeqs();
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, index) => index + 1));
  expect(plane.data.outOfOrder).toEqual([]);
}

/** No event reported twice under two seqs. */
function expectNoDoubles(messages: Frame[]): void {
  const bodies = messages.map(({ seq: _seq, ...body }) => JSON.stringify(body));
  expect(new Set(bodies).size).toBe(bodies.length);
}

describe('server restart', () => {
  const setup = usePlanePerTest('berth-server-restart-');

  it('loses and doubles nothing when the server is killed mid-deploy and comes back on the same port', { timeout: 120_000 }, async () => {
    const { plane, storage, origin } = setup;
    const agent = setup.startAgent();
    await plane.waitForSession();
    const base = gitSampleSlot(origin, { id: 'slot_srv', name: 'qa-srv' });
    const slot = withBuildStep(base, 'setTimeout(() => {}, 3000);');
    const commandId = plane.command('slot.deploy', { slot, source: { kind: 'git', branch: 'main' } });
    await waitFor(() => plane.messagesFor(commandId).some((message) => message.step === 'startup'), 'the deployment to reach its startup commands');
    const storedBeforeKill = plane.storedSeqs().length;

    await plane.stop();
    await agent.waitForOutput('control plane: offline');
    // The deployment goes on while the server is away; its events wait in the outbox.
    await waitFor(() => readAgentOutbox(storage.path).some((row) => row.type === 'result'), 'the result to be recorded while the server is down', { timeoutMs: 60_000 });
    const waiting = readAgentOutbox(storage.path);
    expect(waiting.length).toBeGreaterThan(0);

    await plane.restart();
    const result = await plane.waitForResult(commandId);
    expect(result.ok, plane.describeCommand(commandId)).toBe(true);
    await waitFor(() => readAgentOutbox(storage.path).length === 0, 'the agent to drop every acknowledged message');

    expect(plane.storedSeqs().length).toBeGreaterThan(storedBeforeKill);
    expectGapFree(plane);
    expect(plane.data.duplicates).toBe(0);
    const messages = plane.storedMessages();
    expectNoDoubles(messages);
    const own = plane.messagesFor(commandId);
    expect(own.filter((message) => message.type === 'accepted')).toHaveLength(1);
    expect(own.filter((message) => message.type === 'result')).toHaveLength(1);
    expect(own.at(-1)!.type).toBe('result');
    const statuses = messages.filter((message) => message.type === 'deployment.update' && message.id === result.data.id).map((message) => message.status);
    expect(statuses.filter((status, index) => status !== statuses[index - 1])).toEqual(['queued', 'preparing', 'building', 'starting', 'ready']);
    // What the server got after it came back is exactly what waited in the outbox.
    expect(waiting.map((row) => row.seq).every((seq) => plane.data.stored.has(seq))).toBe(true);
    expect(plane.invalidFrames).toEqual([]);
  });

  it('sends messages again under their own seq when the server lost them, and the server stores each once', { timeout: 60_000 }, async () => {
    const { plane, storage } = setup;
    setup.startAgent();
    const session = await plane.waitForSession();
    plane.autoAck = false;
    const first = plane.command('host.status', {});
    const second = plane.command('host.status', {});
    await waitFor(() => plane.result(second), 'both results');
    const sent = plane.received('result', session).map((frame) => frame.seq);
    expect(readAgentOutbox(storage.path).map((row) => row.seq)).toEqual(expect.arrayContaining(sent));

    // The server kept the messages but its acks never left: the welcome says less than it holds.
    plane.dropConnections();
    plane.autoWelcome = false;
    const next = await waitFor(() => (plane.current !== null && plane.current > session ? plane.current : null), 'the agent to reconnect');
    await waitFor(() => plane.received('hello', next).length > 0, 'hello');
    expect(plane.received('hello', next)[0]!.lastSeq).toBe(Math.max(...sent));
    plane.autoAck = true;
    plane.sendWelcome(0);
    await waitFor(() => plane.received('result', next).length >= 2, 'the results again');
    expect(plane.received('result', next).map((frame) => frame.seq)).toEqual(plane.received('result', session).map((frame) => frame.seq));
    expect(plane.data.duplicates).toBeGreaterThanOrEqual(2);
    expectGapFree(plane);
    expect(plane.messagesFor(first).filter((message) => message.type === 'result')).toHaveLength(1);
    await waitFor(() => readAgentOutbox(storage.path).length === 0, 'the outbox to empty once acknowledged');
  });
});
