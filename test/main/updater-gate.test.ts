import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { UPDATE_CHECK_INTERVAL_MS, UpdateGate, deploymentInFlight, type Updater } from '../../main/updater-gate';
import { agentState, deployment, slotView } from '../fixtures/agent-state';
import { ManualClock } from '../fixtures/manual-clock';

/** electron-updater's autoUpdater as far as Berth uses it; the test plays GitHub's answers. */
class FakeUpdater extends EventEmitter implements Updater {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  checks = 0;
  installs = 0;
  checkForUpdates(): Promise<unknown> {
    this.checks += 1;
    this.emit('checking-for-update');
    return Promise.resolve(null);
  }
  quitAndInstall(): void {
    this.installs += 1;
  }
}

function setUp(options: { enabled?: boolean } = {}) {
  const updater = new FakeUpdater();
  const clock = new ManualClock();
  let inFlight = false;
  const gate = new UpdateGate(updater, { enabled: options.enabled ?? true, inFlight: () => inFlight, log: () => undefined, clock });
  return { updater, clock, gate, setInFlight: (value: boolean) => (inFlight = value) };
}

describe('updater gate', () => {
  it('downloads in the background and installs when Berth quits', () => {
    const { updater } = setUp();
    expect(updater.autoDownload).toBe(true);
    expect(updater.autoInstallOnAppQuit).toBe(true);
  });

  it('checks at start and every six hours', () => {
    const { updater, clock, gate } = setUp();
    gate.start();
    expect(updater.checks).toBe(1);
    updater.emit('update-not-available');
    clock.advance(UPDATE_CHECK_INTERVAL_MS - 1);
    expect(updater.checks).toBe(1);
    clock.advance(1);
    expect(updater.checks).toBe(2);
    updater.emit('update-not-available');
    clock.advance(UPDATE_CHECK_INTERVAL_MS);
    expect(updater.checks).toBe(3);
    gate.dispose();
    clock.advance(UPDATE_CHECK_INTERVAL_MS * 2);
    expect(updater.checks).toBe(3);
  });

  it('never restarts to install while a deployment is in flight', () => {
    const { updater, gate, setInFlight } = setUp();
    gate.start();
    updater.emit('update-available', { version: '0.2.0' });
    expect(gate.view).toEqual({ status: 'downloading', version: '0.2.0', canRestart: false });
    updater.emit('update-downloaded', { version: '0.2.0' });
    setInFlight(true);
    expect(gate.view.canRestart).toBe(false);
    expect(gate.restartToInstall()).toBe(false);
    expect(updater.installs).toBe(0);
    setInFlight(false);
    expect(gate.view).toEqual({ status: 'ready', version: '0.2.0', canRestart: true });
    expect(gate.restartToInstall()).toBe(true);
    expect(updater.installs).toBe(1);
  });

  it('does not check again once an update is downloaded, and keeps it through a failed check', () => {
    const { updater, gate } = setUp();
    gate.start();
    updater.emit('update-downloaded', { version: '0.2.0' });
    gate.checkNow();
    expect(updater.checks).toBe(1);
    updater.emit('error', new Error('offline'));
    expect(gate.view.status).toBe('ready');
  });

  it('stays off in a development build', () => {
    const { updater, gate } = setUp({ enabled: false });
    gate.start();
    gate.checkNow();
    expect(updater.checks).toBe(0);
    expect(gate.view.status).toBe('disabled');
  });

  it('sees a deployment in flight from the agent’s state', () => {
    expect(deploymentInFlight(null)).toBe(false);
    expect(deploymentInFlight(agentState([slotView('a', 'running', { deployments: [deployment({ id: 'd1', slotId: 'slot_a' })] })]))).toBe(false);
    expect(deploymentInFlight(agentState([slotView('a', 'deploying')]))).toBe(true);
    const preview = deployment({ id: 'd2', slotId: 'slot_a', status: 'building', isProduction: false });
    expect(deploymentInFlight(agentState([slotView('a', 'running', { deployments: [preview] })]))).toBe(true);
  });
});
