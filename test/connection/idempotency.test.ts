import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../agent-core/protocol';
import { gitSampleSlot, stopAgent, withBuildStep } from '../fixtures/connected-agent';
import { usePlanePerTest } from '../fixtures/plane-setup';
import { waitFor } from '../fixtures/wait';

describe('command idempotency', () => {
  const setup = usePlanePerTest('berth-idempotency-');

  it('never runs a command id twice: a repeat gets accepted or the stored result again, even after a restart', { timeout: 120_000 }, async () => {
    const { plane, origin } = setup;
    const agent = setup.startAgent();
    await plane.waitForSession();
    const base = gitSampleSlot(origin, { id: 'slot_idem', name: 'qa-idem' });
    const slot = withBuildStep(base, 'setTimeout(() => {}, 1500);');
    const payload = { slot, source: { kind: 'git', branch: 'main' } };
    const commandId = plane.command('slot.deploy', payload);
    await waitFor(() => plane.messagesFor(commandId).some((message) => message.step === 'startup'), 'the deployment to be running');

    plane.command('slot.deploy', payload, commandId);
    await waitFor(() => plane.messagesFor(commandId).filter((message) => message.type === 'accepted').length === 2, 'a second accepted while it runs');
    const result = await plane.waitForResult(commandId);
    expect(result.ok).toBe(true);

    plane.command('slot.deploy', payload, commandId);
    await waitFor(() => plane.messagesFor(commandId).filter((message) => message.type === 'result').length === 2, 'the stored result again');

    await stopAgent(agent);
    const before = plane.connections;
    setup.startAgent();
    await plane.waitForSession(before);
    plane.command('slot.deploy', payload, commandId);
    await waitFor(() => plane.messagesFor(commandId).filter((message) => message.type === 'result').length === 3, 'the stored result after a restart');

    const messages = plane.messagesFor(commandId);
    const results = messages.filter((message) => message.type === 'result');
    // Each repeat is a new reliable message: a new seq, the same body.
    expect(new Set(results.map((message) => message.seq)).size).toBe(3);
    for (const repeat of results.slice(1)) expect({ ...repeat, seq: 0 }).toEqual({ ...results[0], seq: 0 });
    expect(messages.filter((message) => message.type === 'accepted').map((message) => message.seq)).toHaveLength(2);

    const list = await plane.waitForResult(plane.command('deployments.list', { slotId: 'slot_idem' }));
    expect(list.data.deployments.filter((deployment: Deployment) => deployment.commandId === commandId)).toHaveLength(1);
    const startups = plane.storedMessages().filter((message) => message.type === 'progress' && message.commandId === commandId && message.step === 'startup');
    expect(startups).toHaveLength(1);
  });
});
