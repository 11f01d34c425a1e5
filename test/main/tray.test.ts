import { describe, expect, it, vi } from 'vitest';
import type { DesktopView } from '../../main/desktop-view';
import { COUNTDOWN_REFRESH_MS, TrayPresenter } from '../../main/tray';
import type { TrayActions } from '../../main/tray-menu';
import { agentState, slotView } from '../fixtures/agent-state';
import { Tray } from '../fixtures/fake-electron';
import { ManualClock } from '../fixtures/manual-clock';

vi.mock('electron', () => import('../fixtures/fake-electron'));

const noop = () => undefined;
const actions: TrayActions = {
  slot: noop,
  openUrl: noop,
  showLogs: noop,
  openWindow: noop,
  retryConnection: noop,
  setStartAtLogin: noop,
  checkForUpdates: noop,
  restartToUpdate: noop,
  openLogsFolder: noop,
  quit: noop,
};

function view(slots: ReturnType<typeof slotView>[]): DesktopView {
  return {
    agent: 'ready',
    mode: 'embedded',
    service: 'not-installed',
    state: agentState(slots),
    live: true,
    startAtLogin: false,
    update: { status: 'idle', version: null, canRestart: false },
  };
}

describe('tray', () => {
  it('shows the icon, tooltip and menu of the current state', () => {
    const tray = new Tray(null);
    const presenter = new TrayPresenter(tray as never, '/res/tray', actions, new ManualClock());
    presenter.show(view([slotView('qa-1', 'error', { error: 'exited with code 1' })]));
    expect(tray.image).toEqual({ path: expect.stringMatching(/tray-error\.png$/) });
    expect(tray.tooltip).toBe('Berth — online · 1 slot: 1 error');
    expect(tray.menu?.items.map((item) => item.label)).toContain('qa-1 — error');
  });

  it('shows the warm color and its minutes left in the slot\'s label and the tooltip, counting down by itself until it is cold', () => {
    const clock = new ManualClock();
    const tray = new Tray(null);
    const presenter = new TrayPresenter(tray as never, '/res/tray', actions, clock);
    const warm = { color: 'blue' as const, deploymentId: 'dep_1', until: new Date(clock.now() + 150_000).toISOString() };
    presenter.show(view([slotView('qa-1', 'running', { liveColor: 'green', warm })]));
    expect(tray.menu?.items.map((item) => item.label)).toContain('qa-1 — running · blue warm, 3 min left');
    expect(tray.tooltip).toBe('Berth — online · 1 slot: 1 running · qa-1: blue warm, 3 min left');

    // No new state from the agent: the presenter redraws the countdown on its own.
    clock.advance(COUNTDOWN_REFRESH_MS * 3);
    expect(tray.tooltip).toBe('Berth — online · 1 slot: 1 running · qa-1: blue warm, 2 min left');
    clock.advance(COUNTDOWN_REFRESH_MS * 4);
    expect(tray.tooltip).toBe('Berth — online · 1 slot: 1 running · qa-1: blue warm, under a minute left');
    expect(tray.menu?.items.map((item) => item.label)).toContain('qa-1 — running · blue warm, under a minute left');
    clock.advance(COUNTDOWN_REFRESH_MS * 3);
    expect(tray.tooltip).toBe('Berth — online · 1 slot: 1 running');
    expect(tray.menu?.items.map((item) => item.label)).toContain('qa-1 — running');
    // Cold now: nothing left to count, so no timer keeps redrawing.
    expect(clock.pending).toEqual([]);
    presenter.dispose();
  });

  it('rebuilds at most twice a second however often the state changes, ending on the latest', () => {
    const clock = new ManualClock();
    const tray = new Tray(null);
    const presenter = new TrayPresenter(tray as never, '/res/tray', actions, clock);
    presenter.show(view([slotView('qa-1', 'running')]));
    expect(tray.updates.filter((update) => update === 'menu')).toHaveLength(1);
    for (let step = 0; step < 50; step++) {
      presenter.show(view([slotView('qa-1', step % 2 === 0 ? 'deploying' : 'running')]));
      clock.advance(10);
    }
    presenter.show(view([slotView('qa-1', 'deploying')]));
    clock.advance(1_000);
    // 50 changes over 500 ms and one more: the first show, one per elapsed half second, and the trailing one.
    expect(tray.updates.filter((update) => update === 'menu')).toHaveLength(3);
    expect(tray.menu?.items.map((item) => item.label)).toContain('qa-1 — deploying');
    expect(tray.image).toEqual({ path: expect.stringMatching(/tray-deploying\.png$/) });
  });

  it('leaves the icon alone when only the menu changes', () => {
    const clock = new ManualClock();
    const tray = new Tray(null);
    const presenter = new TrayPresenter(tray as never, '/res/tray', actions, clock);
    presenter.show(view([slotView('qa-1', 'running')]));
    clock.advance(1_000);
    presenter.show(view([slotView('qa-1', 'running'), slotView('qa-2', 'available')]));
    expect(tray.updates).toEqual(['image', 'tooltip', 'menu', 'tooltip', 'menu']);
  });
});
