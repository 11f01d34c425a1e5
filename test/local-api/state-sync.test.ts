import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { SlotSpec, type Deployment } from '../../agent-core/protocol';
import { StateSync, applyDelta, createPortTransport, type AgentState, type StateDelta } from '../../agent-core/protocol/local-api';
import { waitFor } from '../fixtures/wait';

function emptyState(version = 0): AgentState {
  return {
    version,
    host: { name: 'host', hostname: 'box', os: 'linux', arch: 'x64', version: '0.0.0', storagePath: '/s' },
    connection: { status: 'disabled', serverUrl: null, hostId: null, message: null, since: null, retryAt: null },
    settings: { name: 'host', serverUrl: null, sourceRoots: [], storagePath: '/s', apiKey: 'none' },
    slots: [
      {
        id: 'slot_1',
        origin: 'local',
        spec: SlotSpec.parse({ id: 'slot_1', name: 'qa', workspace: 'w', template: {} }),
        source: null,
        status: { slotId: 'slot_1', name: 'qa', workspace: 'w', status: 'available', liveColor: null, productionDeploymentId: null, previewDeploymentIds: [], url: null, error: null, updatedAt: 't', warm: null, guard: null },
        deployments: [],
      },
    ],
    storage: { low: false, freeBytes: 1024 ** 3, floorBytes: 512 * 1024 ** 2, message: null },
  };
}

function deployment(id: string, createdAt: string, changes: Partial<Deployment> = {}): Deployment {
  return {
    id, slotId: 'slot_1', status: 'ready', color: null, source: { kind: 'directory', path: '/app' }, contentHash: null, isProduction: false, port: null,
    createdAt, readyAt: null, promotedAt: null, expiresAt: null, error: null, commandId: null, ...changes,
  };
}

const deploymentDelta = (value: Deployment): StateDelta => ({ kind: 'deployment', deployment: value });

describe('state sync', () => {
  it('keeps deployments newest first and drops a deleted one from the list', () => {
    let state = applyDelta(emptyState(), 1, deploymentDelta(deployment('dep_a', '2026-01-01T00:00:00Z')));
    state = applyDelta(state, 2, deploymentDelta(deployment('dep_b', '2026-01-02T00:00:00Z')));
    state = applyDelta(state, 3, deploymentDelta(deployment('dep_a', '2026-01-01T00:00:00Z', { status: 'stopped' })));
    expect(state.slots[0]!.deployments.map((item) => `${item.id}:${item.status}`)).toEqual(['dep_b:ready', 'dep_a:stopped']);
    state = applyDelta(state, 4, deploymentDelta(deployment('dep_b', '2026-01-02T00:00:00Z', { expiresAt: '2026-02-01T00:00:00Z' })));
    expect(state.slots[0]!.deployments.map((item) => item.id)).toEqual(['dep_a']);
    expect(state.version).toBe(4);
  });

  it('applies only the next version, ignores old ones, and stops at a gap until a snapshot comes', () => {
    const sync = new StateSync();
    const removed: StateDelta = { kind: 'slot.removed', slotId: 'slot_1' };
    expect(sync.applyDelta(1, removed)).toBe('ignored');
    sync.applySnapshot(emptyState(5));
    expect(sync.applyDelta(5, removed)).toBe('ignored');
    expect(sync.applyDelta(7, removed)).toBe('gap');
    expect(sync.state!.slots).toHaveLength(1);
    expect(sync.applyDelta(6, removed)).toBe('ignored');
    sync.applySnapshot(emptyState(7));
    expect(sync.applyDelta(8, removed)).toBe('applied');
    expect(sync.state).toMatchObject({ version: 8, slots: [] });
  });

  it('keeps the last state but applies nothing more once the connection is gone', () => {
    const sync = new StateSync();
    sync.applySnapshot(emptyState(1));
    sync.desync();
    expect(sync.applyDelta(2, { kind: 'slot.removed', slotId: 'slot_1' })).toBe('ignored');
    expect(sync.state!.version).toBe(1);
    expect(sync.isSynced).toBe(false);
  });
});

describe('port transport', () => {
  it('carries frames over a DOM-style port that only has addEventListener, as the window\'s does', async () => {
    const { port1, port2 } = new MessageChannel();
    const domStyle = { postMessage: (message: unknown) => port2.postMessage(message), close: () => port2.close(), start: () => port2.start(), addEventListener: (type: 'message', listener: (event: unknown) => void) => port2.addEventListener(type, listener) };
    const browserSide = createPortTransport(domStyle);
    const agentSide = createPortTransport(port1);
    const atAgent: unknown[] = [];
    const atBrowser: unknown[] = [];
    agentSide.onFrame((frame) => atAgent.push(frame));
    browserSide.onFrame((frame) => atBrowser.push(frame));
    let closedAt: string | null = null;
    agentSide.onClose((reason) => (closedAt = reason));
    browserSide.send({ type: 'request', id: 1, method: 'state.get', params: {} });
    agentSide.send({ type: 'response', id: 1, ok: true, result: { x: 1 } });
    await waitFor(() => atAgent.length === 1 && atBrowser.length === 1, 'a frame each way');
    expect(atAgent[0]).toEqual({ type: 'request', id: 1, method: 'state.get', params: {} });
    expect(atBrowser[0]).toEqual({ type: 'response', id: 1, ok: true, result: { x: 1 } });
    browserSide.close();
    await waitFor(() => closedAt !== null, 'the agent side to see the port close');
  });
});
