import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlotStatus } from '../../agent-core/protocol';
import type { AgentProcess } from '../fixtures/agent-process';
import { startConnectedAgent, stopAgent } from '../fixtures/connected-agent';
import { FixtureControlPlane } from '../fixtures/control-plane';
import { makeTempDir } from '../fixtures/temp-dir';
import { waitFor } from '../fixtures/wait';

describe('handshake', () => {
  let plane: FixtureControlPlane;
  let storage: ReturnType<typeof makeTempDir>;
  let agent: AgentProcess | null = null;

  beforeEach(async () => {
    plane = await FixtureControlPlane.start({ heartbeatIntervalMs: 1_000, hostId: 'host_9f2' });
    storage = makeTempDir('berth-handshake-');
  });

  afterEach(async () => {
    if (agent) await stopAgent(agent);
    agent = null;
    await plane.stop();
    storage.cleanup();
  });

  it('dials the server with the key, the subprotocol and a User-Agent, and says hello first', async () => {
    agent = startConnectedAgent(plane, storage.path);
    const session = await plane.waitForSession();
    const upgrade = plane.upgrades.find((attempt) => attempt.accepted)!;
    expect(upgrade.path).toBe('/agent/v1/connect');
    expect(upgrade.authorization).toBe('Bearer test-key');
    expect(upgrade.protocols).toBe('berth.agent.v1');
    expect(upgrade.userAgent).toMatch(new RegExp(`^berth-agent/\\d+\\.\\d+\\.\\d+ \\(${process.platform}; ${process.arch}\\)$`));

    const first = plane.frames.find((entry) => entry.direction === 'in' && entry.connection === session)!.frame;
    expect(first.type).toBe('hello');
    expect(first.protocol).toBe(1);
    expect(first.agent).toMatchObject({ name: 'test-host', os: process.platform, arch: process.arch });
    expect(first.lastSeq).toBe(0);
    expect(first.slots).toEqual([]);
    expect(plane.invalidFrames).toEqual([]);
  });

  it('sends a heartbeat with every slot status at the interval the welcome sets', async () => {
    agent = startConnectedAgent(plane, storage.path);
    const session = await plane.waitForSession();
    await waitFor(() => plane.received('heartbeat', session).length >= 2, 'two heartbeats', { timeoutMs: 10_000 });
    const [first, second] = plane.frames.filter((entry) => entry.direction === 'in' && entry.frame.type === 'heartbeat');
    expect(second!.at - first!.at).toBeGreaterThan(700);
    expect(second!.at - first!.at).toBeLessThan(2_500);
    expect(Number.isNaN(Date.parse(first!.frame.ts))).toBe(false);
    expect(first!.frame.slots.every((slot: unknown) => SlotStatus.safeParse(slot).success)).toBe(true);
    await agent.waitForOutput('control plane: online as host host_9f2');
  });

  it('keeps the session up: it answers pings and is not cut for silence', async () => {
    agent = startConnectedAgent(plane, storage.path);
    const session = await plane.waitForSession();
    await waitFor(() => plane.received('heartbeat', session).length >= 3, 'three heartbeats', { timeoutMs: 10_000 });
    expect(plane.connections).toBe(1);
    expect(plane.closes).toEqual([]);
  });

  it('says goodbye with close code 1001 when it stops', async () => {
    agent = startConnectedAgent(plane, storage.path);
    const session = await plane.waitForSession();
    expect((await stopAgent(agent)).code).toBe(0);
    agent = null;
    await waitFor(() => plane.closes.find((closed) => closed.connection === session), 'the close');
    expect(plane.closes[0]).toMatchObject({ code: 1001 });
  });
});

describe('liveness', () => {
  it('ends a connection whose server stops answering pings, and dials again', { timeout: 60_000 }, async () => {
    const plane = await FixtureControlPlane.start({ heartbeatIntervalMs: 1_000, autoPong: false });
    const storage = makeTempDir('berth-liveness-');
    const agent = startConnectedAgent(plane, storage.path);
    try {
      const first = await plane.waitForSession();
      const started = Date.now();
      await waitFor(() => plane.closes.find((closed) => closed.connection === first), 'the agent to give up on the silent connection', { timeoutMs: 20_000 });
      // One ping interval plus the 10 s pong timeout.
      expect(Date.now() - started).toBeGreaterThan(9_000);
      await plane.waitForSession(first);
      await agent.waitForOutput('no pong within 10 s');
    } finally {
      await stopAgent(agent);
      await plane.stop();
      storage.cleanup();
    }
  });
});
