import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentProcess } from '../fixtures/agent-process';
import { readAgentOutbox } from '../fixtures/agent-outbox';
import { startConnectedAgent, stopAgent } from '../fixtures/connected-agent';
import { FixtureControlPlane } from '../fixtures/control-plane';
import { makeTempDir } from '../fixtures/temp-dir';
import { waitFor } from '../fixtures/wait';

describe('frames', () => {
  let plane: FixtureControlPlane;
  let storage: ReturnType<typeof makeTempDir>;
  let agent: AgentProcess | null = null;

  beforeEach(async () => {
    plane = await FixtureControlPlane.start();
    storage = makeTempDir('berth-frames-');
  });

  afterEach(async () => {
    if (agent) await stopAgent(agent);
    agent = null;
    await plane.stop();
    storage.cleanup();
  });

  it('answers garbage without dropping the connection, with a result wherever a command id can be read', { timeout: 60_000 }, async () => {
    agent = startConnectedAgent(plane, storage.path);
    const session = await plane.waitForSession();
    plane.sendRaw('this is not JSON {');
    plane.sendRaw(Buffer.from([1, 2, 3]), { binary: true });
    plane.sendRaw('[1, 2, 3]');
    plane.send({ type: 'teleport', commandId: 'cmd_teleport' });
    plane.send({ type: 'ack', seq: 'many' });
    plane.send({ type: 'command', commandId: 'cmd_nameless', payload: {} });
    plane.send({ type: 'command', commandId: 'cmd_bad_payload', name: 'slot.logs', payload: { slotId: 7 } });
    plane.send({ type: 'command', commandId: 'cmd_unknown', name: 'slot.fly', payload: {} });

    expect(await plane.waitForResult('cmd_nameless')).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    const bad = await plane.waitForResult('cmd_bad_payload');
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    expect(bad.error.message).toContain('slotId');
    expect(await plane.waitForResult('cmd_unknown')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    // A rejected command was never queued: it gets its result and no `accepted`.
    expect(plane.messagesFor('cmd_unknown').map((message) => message.type)).toEqual(['result']);
    expect(plane.result('cmd_teleport')).toBeUndefined();

    expect((await plane.waitForResult(plane.command('host.status', {}))).ok).toBe(true);
    expect(plane.connections).toBe(1);
    expect(plane.current).toBe(session);
    await agent.waitForOutput('that is not JSON');
    await agent.waitForOutput('binary frame');
    expect(plane.invalidFrames).toEqual([]);
  });

  it('holds commands sent before the welcome and runs them after it', { timeout: 60_000 }, async () => {
    plane.autoWelcome = false;
    agent = startConnectedAgent(plane, storage.path);
    await waitFor(() => plane.received('hello').length > 0, 'hello', { timeoutMs: 30_000 });
    const early = plane.command('host.status', {});
    plane.ack(0);
    // An absence can only be shown over a window of time: nothing may answer it before the welcome.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(plane.messagesFor(early)).toEqual([]);
    plane.sendWelcome();
    expect((await plane.waitForResult(early)).ok).toBe(true);
    expect(plane.messagesFor(early).map((message) => message.type)).toEqual(['accepted', 'result']);
  });

  it('survives an ack for messages it never sent and a second welcome, and loses nothing for them', { timeout: 60_000 }, async () => {
    plane.autoAck = false;
    agent = startConnectedAgent(plane, storage.path);
    const session = await plane.waitForSession();
    const first = plane.command('host.status', {});
    await waitFor(() => plane.result(first), 'the first result');
    plane.ack(1_000_000);
    const second = plane.command('host.status', {});
    await waitFor(() => plane.result(second), 'the second result');
    // The wild ack did not make the agent drop what it sent after it.
    expect(readAgentOutbox(storage.path).filter((row) => row.body.commandId === second).map((row) => row.type)).toEqual(['accepted', 'result']);
    plane.sendWelcome(0);
    plane.autoAck = true;
    plane.ack();
    const third = await plane.waitForResult(plane.command('host.status', {}));
    expect(third.ok).toBe(true);
    await waitFor(() => readAgentOutbox(storage.path).length === 0, 'the outbox to empty once acknowledged');
    const seqs = plane.storedSeqs();
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, index) => index + 1));
    expect(plane.current).toBe(session);
    await agent.waitForOutput('second welcome');
  });

  it('closes with 1009 on a frame over 1 MiB, then connects again', { timeout: 60_000 }, async () => {
    agent = startConnectedAgent(plane, storage.path);
    const session = await plane.waitForSession();
    plane.sendRaw(JSON.stringify({ type: 'command', commandId: 'cmd_huge', name: 'host.status', payload: { padding: 'x'.repeat(1024 * 1024) } }));
    const closed = await waitFor(() => plane.closes.find((entry) => entry.connection === session), 'the agent to close the connection');
    expect(closed.code).toBe(1009);
    const next = await plane.waitForSession(session);
    expect(next).toBeGreaterThan(session);
    expect(plane.result('cmd_huge')).toBeUndefined();
    expect((await plane.waitForResult(plane.command('host.status', {}))).ok).toBe(true);
  });
});
