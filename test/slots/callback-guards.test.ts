import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentLogEvent } from '../../agent-core/events';
import { AgentEvents } from '../../agent-core/events';
import { SlotSpec } from '../../agent-core/protocol';
import { localJob } from '../../agent-core/slots';
import { findFreePort } from '../../agent-core/traffic';
import { startTestAgent, type TestAgent } from '../fixtures/agent-runtime';
import { sampleSlotSpec, writeSampleApp } from '../fixtures/slot-spec';
import { waitFor } from '../fixtures/wait';

describe('callback guards', () => {
  let agent: TestAgent;
  beforeEach(async () => {
    agent = await startTestAgent();
  });
  afterEach(async () => {
    await agent.close();
  });

  it('logs a store write that throws in a process exit callback, and the agent and its slot go on', async () => {
    const errors: AgentLogEvent[] = [];
    agent.runtime.events.on('log', (event) => {
      if (event.level === 'error') errors.push(event);
    });
    const processes = agent.runtime.store.processes;
    const remove = processes.remove.bind(processes);
    processes.remove = () => {
      throw new Error('disk I/O error');
    };
    const port = await findFreePort({ range: [42000, 42999] });
    const app = writeSampleApp(join(agent.sourceRoot, 'app'), 'v1');
    const slot = await agent.runtime.slots.define(SlotSpec.parse(sampleSlotSpec({ traffic: { mode: 'single', publicPort: port } })), 'local');
    await slot.deploy({ source: { kind: 'directory', path: app }, trigger: 'local' }, localJob('test', 'first'));
    // Replacing the version ends the first one's processes: their exit callbacks write to the store, which throws.
    const second = await slot.deploy({ source: { kind: 'directory', path: app }, trigger: 'local' }, localJob('test', 'second'));
    await waitFor(() => errors.some((event) => /forgetting process \d+ failed: disk I\/O error/.test(event.message)), 'the failed write to be logged');
    processes.remove = remove;
    expect(second.status).toBe('ready');
    expect(slot.statusSnapshot.status).toBe('running');
    expect(((await (await fetch(`http://127.0.0.1:${port}/`)).json()) as { version: string }).version).toBe('v1');
  });
});

describe('agent events guard', () => {
  it('logs a rejection of work a callback started and hands it to the operation it belongs to', async () => {
    const events = new AgentEvents();
    const logged: string[] = [];
    events.on('log', (event) => logged.push(event.message));
    const failed = new Promise<Error>((resolve) => events.guard('draining blue', () => Promise.reject(new Error('socket hang up')), resolve));
    expect((await failed).message).toBe('socket hang up');
    expect(logged).toEqual(['draining blue failed: socket hang up']);
  });

  it('logs a synchronous throw instead of letting it out of the callback', () => {
    const events = new AgentEvents();
    const logged: string[] = [];
    events.on('log', (event) => logged.push(event.message));
    expect(() =>
      events.guard('a timer', () => {
        throw new Error('boom');
      }),
    ).not.toThrow();
    expect(logged).toEqual(['a timer failed: boom']);
  });
});
