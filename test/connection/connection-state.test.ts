import { describe, expect, it } from 'vitest';
import { ConnectionStatus, canTransition, type ConnectionState, type ConnectionStateKind } from '../../agent-core/connection';

const KINDS: ConnectionStateKind[] = ['disabled', 'connecting', 'online', 'offline', 'key-rejected', 'replaced', 'protocol-unsupported'];

describe('connection state', () => {
  it('goes online only through connecting, and back to connecting only from a waiting state', () => {
    expect(KINDS.filter((from) => canTransition(from, 'online'))).toEqual(['connecting']);
    expect(KINDS.filter((from) => canTransition(from, 'connecting'))).toEqual(['disabled', 'offline', 'key-rejected', 'replaced', 'protocol-unsupported']);
  });

  it('can be disabled from every state', () => {
    expect(KINDS.every((from) => canTransition(from, 'disabled'))).toBe(true);
  });

  it('reports a rejected key, a replacement or an unsupported protocol only from a live attempt', () => {
    for (const to of ['key-rejected', 'replaced', 'protocol-unsupported'] as const) {
      expect(KINDS.filter((from) => canTransition(from, to))).toEqual(['connecting', 'online']);
    }
  });

  it('emits every change and refuses a transition the table does not allow', () => {
    const status = new ConnectionStatus();
    const seen: ConnectionState[] = [];
    status.on('change', (state) => seen.push(state));
    status.set({ kind: 'connecting', url: 'ws://127.0.0.1:1/agent/v1/connect' });
    status.set({ kind: 'online', hostId: 'host_1', since: '2026-01-01T00:00:00.000Z' });
    expect(() => status.set({ kind: 'connecting', url: 'ws://127.0.0.1:1/agent/v1/connect' })).toThrow(/online to connecting/);
    status.set({ kind: 'offline', reason: 'lost', nextRetryAt: '2026-01-01T00:00:01.000Z' });
    expect(seen.map((state) => state.kind)).toEqual(['connecting', 'online', 'offline']);
    expect(status.current.kind).toBe('offline');
  });
});
