import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { DesktopView } from '../../main/desktop-view';
import { trayIconPath, trayIconState, trayTooltip } from '../../main/tray-icon';
import { trayMenuTemplate, type TrayActions } from '../../main/tray-menu';
import { agentState, slotView } from '../fixtures/agent-state';

function view(overrides: Partial<DesktopView> = {}): DesktopView {
  return {
    agent: 'ready',
    mode: 'embedded',
    service: 'not-installed',
    state: agentState(),
    live: true,
    startAtLogin: false,
    update: { status: 'idle', version: null, canRestart: false },
    ...overrides,
  };
}

function recordingActions(): { actions: TrayActions; calls: string[] } {
  const calls: string[] = [];
  const record =
    (name: string) =>
    (...args: unknown[]) =>
      calls.push([name, ...args.map(String)].join(' '));
  const actions: TrayActions = {
    slot: record('slot'),
    openUrl: record('openUrl'),
    showLogs: record('showLogs'),
    openWindow: record('openWindow'),
    retryConnection: record('retryConnection'),
    setStartAtLogin: record('setStartAtLogin'),
    checkForUpdates: record('checkForUpdates'),
    restartToUpdate: record('restartToUpdate'),
    openLogsFolder: record('openLogsFolder'),
    quit: record('quit'),
  };
  return { actions, calls };
}

function labels(items: MenuItemConstructorOptions[]): string[] {
  return items.filter((item) => item.type !== 'separator').map((item) => item.label ?? '');
}

function item(items: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions {
  const found = items.find((candidate) => candidate.label === label);
  if (!found) throw new Error(`no menu item '${label}' in ${JSON.stringify(labels(items))}`);
  return found;
}

function click(entry: MenuItemConstructorOptions, checked = false): void {
  (entry.click as (item: { checked: boolean }) => void)({ checked });
}

describe('tray menu', () => {
  it('lists every slot with its status and the actions that fit it', () => {
    const state = agentState([
      slotView('qa-1', 'running', { url: 'http://qa-1.example.com:8080' }),
      slotView('qa-2', 'available'),
      slotView('demo', 'deploying'),
    ]);
    const { actions, calls } = recordingActions();
    const menu = trayMenuTemplate(view({ state }), actions);
    expect(labels(menu)).toEqual([
      'Open Berth',
      'qa-1 — running',
      'qa-2 — stopped',
      'demo — deploying',
      'Agent: in this app',
      'Control plane: online',
      'Retry now',
      'Start at login',
      'Check for updates',
      'Open logs folder',
      'Quit Berth',
    ]);
    const running = item(menu, 'qa-1 — running').submenu as MenuItemConstructorOptions[];
    expect(running.filter((entry) => entry.type !== 'separator').map((entry) => [entry.label, entry.enabled ?? true])).toEqual([
      ['Start', false],
      ['Stop', true],
      ['Restart', true],
      ['Open URL', true],
      ['Show logs', true],
    ]);
    const stopped = item(menu, 'qa-2 — stopped').submenu as MenuItemConstructorOptions[];
    expect(item(stopped, 'Start').enabled).toBe(true);
    expect(item(stopped, 'Stop').enabled).toBe(false);
    expect(item(stopped, 'Open URL').enabled).toBe(false);

    click(item(running, 'Stop'));
    click(item(running, 'Open URL'));
    click(item(stopped, 'Show logs'));
    expect(calls).toEqual(['slot slot_qa-1 stop', 'openUrl http://qa-1.example.com:8080', 'showLogs slot_qa-2']);
  });

  it('offers Retry only when the control plane is down, and says why', () => {
    const offline = trayMenuTemplate(view({ state: agentState([], { status: 'offline' }) }), recordingActions().actions);
    expect(item(offline, 'Control plane: offline')).toBeDefined();
    expect(item(offline, 'Retry now').enabled).toBe(true);
    const rejected = trayMenuTemplate(view({ state: agentState([], { status: 'key-rejected' }) }), recordingActions().actions);
    expect(item(rejected, 'Control plane: API key rejected')).toBeDefined();
    const online = trayMenuTemplate(view(), recordingActions().actions);
    expect(item(online, 'Retry now').enabled).toBe(false);
  });

  it('says which mode the agent runs in', () => {
    expect(labels(trayMenuTemplate(view({ mode: 'service', service: 'running' }), recordingActions().actions))).toContain('Agent: Windows service');
  });

  it('disables slot actions while the agent restarts and says so', () => {
    const state = agentState([slotView('qa-1', 'running')]);
    const menu = trayMenuTemplate(view({ agent: 'waiting', state, live: false }), recordingActions().actions);
    expect(labels(menu)).toContain('Agent stopped unexpectedly — restarting…');
    const slot = item(menu, 'qa-1 — running').submenu as MenuItemConstructorOptions[];
    expect(item(slot, 'Stop').enabled).toBe(false);
    expect(item(slot, 'Restart').enabled).toBe(false);
  });

  it('toggles start at login and shows it checked', () => {
    const { actions, calls } = recordingActions();
    const entry = item(trayMenuTemplate(view({ startAtLogin: true }), actions), 'Start at login');
    expect(entry).toMatchObject({ type: 'checkbox', checked: true, enabled: true });
    click(entry, false);
    expect(calls).toEqual(['setStartAtLogin false']);
    expect(item(trayMenuTemplate(view({ startAtLogin: null }), actions), 'Start at login').enabled).toBe(false);
  });

  it('offers the downloaded update, but not while a deployment is in flight', () => {
    const { actions, calls } = recordingActions();
    const ready = trayMenuTemplate(view({ update: { status: 'ready', version: '0.2.0', canRestart: true } }), actions);
    click(item(ready, 'Restart to install update 0.2.0'));
    expect(calls).toEqual(['restartToUpdate']);
    const waiting = trayMenuTemplate(view({ update: { status: 'ready', version: '0.2.0', canRestart: false } }), actions);
    expect(item(waiting, 'Update 0.2.0 installs after the deployment').enabled).toBe(false);
  });
});

describe('tray icon', () => {
  it('shows a slot in error above everything else', () => {
    const state = agentState([slotView('a', 'deploying'), slotView('b', 'error')], { status: 'offline' });
    expect(trayIconState(view({ state }))).toBe('error');
  });

  it('shows deploying while a slot deploys or stops', () => {
    expect(trayIconState(view({ state: agentState([slotView('a', 'running'), slotView('b', 'deploying')]) }))).toBe('deploying');
    expect(trayIconState(view({ state: agentState([slotView('a', 'stopping')]) }))).toBe('deploying');
  });

  it('shows online or offline from the control-plane link, a host without one counting as online', () => {
    expect(trayIconState(view({ state: agentState([slotView('a', 'running')]) }))).toBe('online');
    expect(trayIconState(view({ state: agentState([], { status: 'disabled' }) }))).toBe('online');
    expect(trayIconState(view({ state: agentState([], { status: 'offline' }) }))).toBe('offline');
    expect(trayIconState(view({ state: agentState([], { status: 'key-rejected' }) }))).toBe('offline');
  });

  it('shows offline while the agent starts or the link to it is down, error while it restarts', () => {
    expect(trayIconState(view({ agent: 'starting', state: null, live: false }))).toBe('offline');
    expect(trayIconState(view({ live: false }))).toBe('offline');
    expect(trayIconState(view({ agent: 'waiting', live: false }))).toBe('error');
  });

  it('counts the slots in the tooltip', () => {
    const state = agentState([slotView('a', 'running'), slotView('b', 'running'), slotView('c', 'deploying'), slotView('d', 'available')]);
    expect(trayTooltip(view({ state }))).toBe('Berth — online · 4 slots: 2 running, 1 deploying, 1 stopped');
    expect(trayTooltip(view({ mode: 'service', state: agentState([], { status: 'key-rejected' }) }))).toBe('Berth (service) — API key rejected · no slots');
    expect(trayTooltip(view({ agent: 'starting', state: null }))).toBe('Berth — starting');
  });

  it('points at the tray image for the state', () => {
    expect(trayIconPath('/app/resources/tray', 'deploying')).toMatch(/tray[\\/]tray-deploying\.png$/);
  });

  it('shows what the guard of the last swap watches at the top of the slot\'s menu, while it watches', () => {
    const now = Date.parse('2026-11-22T10:00:00.000Z');
    const guard = { deploymentId: 'dep_2', previousDeploymentId: 'dep_1', until: new Date(now + 42_000).toISOString(), requests: 120, status5xx: 1, maxErrorRate: 0.05, minRequests: 20 };
    const state = agentState([slotView('qa-1', 'running', { guard, warm: { color: 'blue', deploymentId: 'dep_1', until: new Date(now + 300_000).toISOString() } })]);
    const menu = trayMenuTemplate(view({ state }), recordingActions().actions, now);
    const slot = item(menu, 'qa-1 — running · blue warm, 5 min left');
    expect((slot.submenu as MenuItemConstructorOptions[])[0]).toEqual({ label: 'Guard watching: 120 requests, 0.8% 5xx, 42s left', enabled: false });
    const calm = trayMenuTemplate(view({ state: agentState([slotView('qa-1', 'running')]) }), recordingActions().actions, now);
    expect(labels(item(calm, 'qa-1 — running').submenu as MenuItemConstructorOptions[])[0]).toBe('Start');
  });
});
