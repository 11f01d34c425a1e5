import { describe, expect, it, vi } from 'vitest';
import type { MetricsPoint } from '../../agent-core/protocol';
import { SlotErrorRates } from '../../main/slot-error-rates';
import { TrayPresenter } from '../../main/tray';
import type { TrayActions } from '../../main/tray-menu';
import { agentState, slotView } from '../fixtures/agent-state';
import { Tray } from '../fixtures/fake-electron';
import { ManualClock } from '../fixtures/manual-clock';

vi.mock('electron', () => import('../fixtures/fake-electron'));

const T0 = Date.parse('2026-12-04T18:00:00.000Z');

function point(second: number, requests: number, status5xx: number): MetricsPoint {
  return { t: new Date(T0 + second * 1000).toISOString(), requests, status5xx, status4xx: 0, p50Ms: 5, p95Ms: 9, p99Ms: 12, inFlight: 0 };
}

/** `seconds` steps from `from` on, each with `requests` of which `status5xx` failed. */
function steps(rates: SlotErrorRates, from: number, seconds: number, requests: number, status5xx: number): void {
  for (let second = from; second < from + seconds; second += 1) rates.step('slot_qa-1', [{ color: 'green', deploymentId: 'dep_2', points: [point(second, requests, status5xx)] }]);
}

const actions = new Proxy({}, { get: () => () => undefined }) as TrayActions;

describe('slot 5xx in the tray', () => {
  it('says nothing for a few errors, then that the 5xx share rises, then that it stays high', () => {
    const rates = new SlotErrorRates();
    steps(rates, 0, 60, 10, 0);
    expect(rates.alarms()).toEqual({});
    // Five failures of only five requests: fewer than ten in the window say nothing.
    steps(rates, 60, 30, 0, 0);
    rates.step('slot_qa-1', [{ color: 'green', deploymentId: 'dep_2', points: [point(90, 5, 5)] }]);
    expect(rates.alarms()).toEqual({});

    steps(rates, 91, 30, 10, 2);
    expect(rates.alarms()['slot_qa-1']).toMatchObject({ rising: true, requests: 300 });
    expect(rates.alarms()['slot_qa-1']!.percent).toBeCloseTo(20);
    // Five minutes of the same: still at the alarm, no longer rising.
    steps(rates, 121, 300, 10, 2);
    expect(rates.alarms()['slot_qa-1']).toMatchObject({ rising: false });
    steps(rates, 421, 30, 10, 0);
    expect(rates.alarms()).toEqual({});
  });

  it('keeps the steps newer than a reconnect\'s history', () => {
    const rates = new SlotErrorRates();
    steps(rates, 30, 20, 10, 5);
    rates.history([{ slotId: 'slot_qa-1', stepSeconds: 1, series: [{ color: 'green', deploymentId: 'dep_2', points: [point(20, 10, 0), point(29, 10, 0)] }] }]);
    expect(rates.alarms()['slot_qa-1']!.percent).toBeCloseTo((100 / 220) * 100);
  });

  it('puts the rising 5xx share in the tray tooltip beside the other slots\' news', () => {
    const tray = new Tray(null);
    const presenter = new TrayPresenter(tray as never, '/res/tray', actions, new ManualClock());
    const state = agentState([slotView('qa-1', 'running'), slotView('qa-2', 'running')]);
    presenter.show({
      agent: 'ready',
      mode: 'embedded',
      service: 'not-installed',
      state,
      live: true,
      startAtLogin: false,
      update: { status: 'idle', version: null, canRestart: false },
      errorRates: { 'slot_qa-1': { percent: 12.345, requests: 240, rising: true } },
    });
    expect(tray.tooltip).toBe('Berth — online · 2 slots: 2 running · qa-1: 5xx rising to 12.3% (last 30 s)');
  });
});
