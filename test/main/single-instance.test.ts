import { describe, expect, it, vi } from 'vitest';
import { revealWindow } from '../../main/app-window';
import { claimSingleInstance } from '../../main/single-instance';
import { BrowserWindow, FakeApp } from '../fixtures/fake-electron';

vi.mock('electron', () => import('../fixtures/fake-electron'));

describe('single instance', () => {
  it('brings the running Berth’s window forward when it is launched again', () => {
    const app = new FakeApp();
    const window = new BrowserWindow({});
    window.minimized = true;
    expect(claimSingleInstance(app as never, () => revealWindow(window as never))).toBe(true);
    app.emit('second-instance', {}, ['Berth.exe'], '/');
    expect(window).toMatchObject({ minimized: false, visible: true, focused: true });
    expect(app.quitCalls).toBe(0);
  });

  it('quits a second launch at once and does nothing else', () => {
    const app = new FakeApp(true);
    const launched: string[][] = [];
    expect(claimSingleInstance(app as never, (argv) => launched.push(argv))).toBe(false);
    expect(app.quitCalls).toBe(1);
    app.emit('second-instance', {}, ['Berth.exe'], '/');
    expect(launched).toEqual([]);
  });
});
