import { describe, expect, it, vi } from 'vitest';
import type { NavigationTarget } from '../../agent-core/protocol/desktop';
import { Notifier, crashNotice, noticesBetween } from '../../main/notifications';
import { agentState, deployment, slotView } from '../fixtures/agent-state';
import { Notification } from '../fixtures/fake-electron';

vi.mock('electron', () => import('../fixtures/fake-electron'));

const building = deployment({ id: 'dep_3', slotId: 'slot_qa-1', status: 'building', readyAt: null });

describe('notifications', () => {
  it('announces nothing for the first state seen', () => {
    expect(noticesBetween(null, agentState([slotView('qa-1', 'error')], { status: 'key-rejected' }))).toEqual([]);
  });

  it('tells when a deployment is ready, and a click opens its slot', () => {
    const before = agentState([slotView('qa-1', 'deploying', { deployments: [building] })]);
    const after = agentState([slotView('qa-1', 'running', { deployments: [{ ...building, status: 'ready' }] })]);
    expect(noticesBetween(before, after)).toEqual([
      { kind: 'deployment-ready', title: 'acme-web/qa-1 deployed', body: 'main (9c1e5a7) is live', target: { page: 'slot', slotId: 'slot_qa-1' } },
    ]);
  });

  it('tells when a deployment fails, with the first line of its reason, and opens its logs', () => {
    const before = agentState([slotView('qa-1', 'deploying', { deployments: [building] })]);
    const failed = { ...building, status: 'failed' as const, error: "command 'install' exited with code 1 after 12.4 s\nnpm ERR! missing script" };
    const after = agentState([slotView('qa-1', 'running', { deployments: [failed] })]);
    expect(noticesBetween(before, after)).toEqual([
      {
        kind: 'deployment-failed',
        title: 'acme-web/qa-1: deployment failed',
        body: "command 'install' exited with code 1 after 12.4 s",
        target: { page: 'slot', slotId: 'slot_qa-1', tab: 'logs' },
      },
    ]);
  });

  it('tells when a running slot crashes', () => {
    const before = agentState([slotView('qa-1', 'running')]);
    const after = agentState([slotView('qa-1', 'error', { error: 'service exited with code 137' })]);
    expect(noticesBetween(before, after)).toMatchObject([{ kind: 'slot-crashed', title: 'acme-web/qa-1 stopped unexpectedly', body: 'service exited with code 137' }]);
  });

  it('tells once when the control plane rejects the API key, and opens Settings', () => {
    const online = agentState();
    const rejected = agentState([], { status: 'key-rejected' });
    expect(noticesBetween(online, rejected)).toMatchObject([{ kind: 'api-key-rejected', target: { page: 'settings' } }]);
    expect(noticesBetween(rejected, { ...rejected, version: 2 })).toEqual([]);
  });

  it('does not repeat itself for a state that did not change', () => {
    const state = agentState([slotView('qa-1', 'running', { deployments: [{ ...building, status: 'ready' }] })]);
    expect(noticesBetween(state, { ...state, version: 2 })).toEqual([]);
  });

  it('tells when the agent process dies, without a notification a minute while it cannot start', () => {
    const crash = (crashes: number) => crashNotice({ exitCode: 1, crashes, restartInMs: 4_000, reason: crashes === 1 ? 'the database is locked by another agent' : null });
    expect(crash(1)).toEqual({
      kind: 'agent-restarting',
      title: 'The Berth agent stopped',
      body: 'the database is locked by another agent. Restarting in 4 s; its log is in the logs folder.',
      target: { page: 'slots' },
    });
    expect([2, 3, 9, 11].map(crash)).toEqual([null, null, null, null]);
    expect(crash(10)?.title).toBe('The Berth agent stopped (10 times in a row)');
  });

  it('shows the notice and takes a click to its page', () => {
    const opened: NavigationTarget[] = [];
    new Notifier((target) => opened.push(target)).show({ kind: 'api-key-rejected', title: 'API key rejected', body: 'Enter a new one', target: { page: 'settings' } });
    const shown = Notification.shown.at(-1)!;
    expect(shown.options).toEqual({ title: 'API key rejected', body: 'Enter a new one' });
    shown.emit('click');
    expect(opened).toEqual([{ page: 'settings' }]);
  });
});
