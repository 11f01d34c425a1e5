import { describe, expect, it } from 'vitest';
import { HIDDEN_FLAG, getStartAtLogin, loginItemSettings, setStartAtLogin, startedHidden } from '../../main/login-item';
import { FakeApp } from '../fixtures/fake-electron';

describe('login item', () => {
  it('registers Berth to start hidden in the tray at login on Windows', () => {
    expect(loginItemSettings(true, 'win32')).toEqual({ openAtLogin: true, args: [HIDDEN_FLAG] });
    expect(loginItemSettings(true, 'darwin')).toEqual({ openAtLogin: true, openAsHidden: true });
  });

  it('reads back what it set, asking Windows with the same arguments', () => {
    const app = new FakeApp();
    expect(getStartAtLogin(app as never, 'win32')).toBe(false);
    expect(setStartAtLogin(app as never, true, 'win32')).toBe(true);
    expect(app.loginItem).toEqual({ openAtLogin: true, args: [HIDDEN_FLAG], openAsHidden: undefined });
    expect(setStartAtLogin(app as never, false, 'win32')).toBe(false);
  });

  it('has no login item on Linux rather than pretending', () => {
    const app = new FakeApp();
    expect(getStartAtLogin(app as never, 'linux')).toBeNull();
    expect(setStartAtLogin(app as never, true, 'linux')).toBeNull();
    expect(app.loginItem.openAtLogin).toBe(false);
  });

  it('starts hidden when launched by the login item', () => {
    expect(startedHidden(['Berth.exe', HIDDEN_FLAG], false)).toBe(true);
    expect(startedHidden(['Berth'], true)).toBe(true);
    expect(startedHidden(['Berth.exe'], false)).toBe(false);
  });
});
