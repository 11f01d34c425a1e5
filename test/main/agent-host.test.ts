import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { AgentProcessTask, ToAgentProcess } from '../../agent-core/protocol/desktop';
import { AgentHost, STOP_TIMEOUT_MS, restartDelay, type AgentCrash, type AgentProcess } from '../../main/agent-host';
import { MessageChannelMain } from '../fixtures/fake-electron';
import { ManualClock } from '../fixtures/manual-clock';

vi.mock('electron', () => import('../fixtures/fake-electron'));

/** A utility process as main sees it; the test plays the agent inside. */
class FakeAgentProcess extends EventEmitter implements AgentProcess {
  readonly received: { message: ToAgentProcess; ports: unknown[] }[] = [];
  killed = false;
  constructor(readonly task: AgentProcessTask) {
    super();
  }
  postMessage(message: ToAgentProcess, transfer: unknown[] = []): void {
    this.received.push({ message, ports: transfer });
  }
  kill(): boolean {
    this.killed = true;
    this.emit('exit', 1);
    return true;
  }
  ready(mode: 'embedded' | 'service' = 'embedded'): void {
    this.emit('message', { type: 'ready', mode });
  }
  die(code: number, reason?: string): void {
    if (reason) this.emit('message', { type: 'fatal', message: reason });
    this.emit('exit', code);
  }
}

function setUp() {
  const clock = new ManualClock();
  const forks: FakeAgentProcess[] = [];
  const host = new AgentHost(
    (task) => {
      const child = new FakeAgentProcess(task);
      forks.push(child);
      return child;
    },
    () => new MessageChannelMain() as never,
    clock,
  );
  const crashes: AgentCrash[] = [];
  host.on('crashed', (crash) => crashes.push(crash));
  return { clock, forks, host, crashes, latest: () => forks.at(-1)! };
}

describe('agent host', () => {
  it('hands out ports only once the agent is ready, one per client', () => {
    const { host, latest } = setUp();
    host.start({ kind: 'embedded' });
    expect(host.state).toBe('starting');
    expect(host.openPort()).toBeNull();
    latest().ready();
    expect(host.state).toBe('ready');
    expect(host.mode).toBe('embedded');
    const windowPort = host.openPort();
    const mainPort = host.openPort();
    expect(windowPort).not.toBeNull();
    expect(mainPort).not.toBe(windowPort);
    expect(latest().received.map(({ message, ports }) => [message.type, ports.length])).toEqual([
      ['connect', 1],
      ['connect', 1],
    ]);
  });

  it('restarts a dead agent with a growing delay and says why it died', () => {
    const { host, clock, forks, crashes, latest } = setUp();
    host.start({ kind: 'embedded' });
    latest().ready();
    latest().die(1, 'the storage folder is on a disk that is full');
    expect(host.state).toBe('waiting');
    expect(crashes).toEqual([{ exitCode: 1, crashes: 1, restartInMs: 1_000, reason: 'the storage folder is on a disk that is full' }]);
    clock.advance(999);
    expect(forks).toHaveLength(1);
    clock.advance(1);
    expect(forks).toHaveLength(2);
    expect(forks[1]!.task).toEqual({ kind: 'embedded' });

    latest().die(1);
    clock.advance(2_000);
    latest().die(1);
    expect(crashes.map((crash) => crash.restartInMs)).toEqual([1_000, 2_000, 4_000]);
    expect(crashes[2]!.reason).toBeNull();
    expect([restartDelay(6), restartDelay(7), restartDelay(20)]).toEqual([32_000, 60_000, 60_000]);
  });

  it('starts counting again after the agent has stayed up a minute', () => {
    const { host, clock, crashes, latest } = setUp();
    host.start({ kind: 'embedded' });
    for (let round = 0; round < 3; round++) {
      latest().ready();
      latest().die(1);
      clock.advance(60_000);
    }
    latest().ready();
    clock.advance(60_000);
    latest().die(1);
    expect(crashes.map((crash) => crash.crashes)).toEqual([1, 2, 3, 1]);
  });

  it('stops the agent by asking it, and waits for it to exit', async () => {
    const { host, latest, crashes } = setUp();
    host.start({ kind: 'embedded' });
    latest().ready();
    const stopped = host.stop();
    expect(host.state).toBe('stopping');
    expect(latest().received.at(-1)!.message).toEqual({ type: 'stop' });
    latest().emit('message', { type: 'stopped' });
    latest().emit('exit', 0);
    await stopped;
    expect(host.state).toBe('stopped');
    expect(crashes).toEqual([]);
  });

  it('kills an agent that does not stop in time', async () => {
    const { host, clock, latest } = setUp();
    host.start({ kind: 'embedded' });
    latest().ready();
    const stopped = host.stop();
    clock.advance(STOP_TIMEOUT_MS);
    await stopped;
    expect(latest().killed).toBe(true);
    expect(host.state).toBe('stopped');
  });

  it('does not restart a dead agent once Berth is quitting', async () => {
    const { host, clock, forks, latest } = setUp();
    host.start({ kind: 'embedded' });
    latest().die(1);
    await host.stop();
    clock.advance(120_000);
    expect(forks).toHaveLength(1);
    expect(host.state).toBe('stopped');
  });

  it('starts again in another mode after a stop', async () => {
    const { host, latest } = setUp();
    host.start({ kind: 'embedded' });
    latest().ready();
    const stopped = host.stop();
    latest().emit('exit', 0);
    await stopped;
    host.start({ kind: 'service-client' });
    latest().ready('service');
    expect(latest().task).toEqual({ kind: 'service-client' });
    expect(host.mode).toBe('service');
  });

  it('ignores messages it cannot read', () => {
    const { host, latest } = setUp();
    host.start({ kind: 'embedded' });
    latest().emit('message', { type: 'ready', mode: 'cloud' });
    latest().emit('message', 'garbage');
    expect(host.state).toBe('starting');
  });
});
