import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, isAppUrl } from '../../main/content-security';
import { handleDesktopCalls, type DesktopHandlers } from '../../main/desktop-calls';
import { FakeIpcMain } from '../fixtures/fake-electron';

function setUp() {
  const ipc = new FakeIpcMain();
  const opened: string[] = [];
  const handlers: DesktopHandlers = {
    'desktop.info': () => ({ version: '0.1.0', mode: 'embedded', service: 'not-installed', serviceAvailable: false, logsPath: '/logs' }),
    'desktop.openExternal': (url) => void opened.push(url),
    'desktop.startAtLogin.get': () => false,
    'desktop.startAtLogin.set': (enabled) => enabled,
    'desktop.serviceMode.set': () => {
      throw new Error('not here');
    },
    'desktop.logsFolder.open': () => undefined,
  };
  handleDesktopCalls(ipc as never, handlers, (event) => event.senderFrame !== null && isAppUrl(event.senderFrame.url, null));
  return { ipc, opened };
}

const page = `${APP_ORIGIN}/index.html`;

describe('desktop calls', () => {
  it('answers the window’s calls', async () => {
    const { ipc, opened } = setUp();
    expect(await ipc.invoke('desktop.startAtLogin.set', page, true)).toBe(true);
    await ipc.invoke('desktop.openExternal', page, 'http://qa-1.example.com/');
    expect(opened).toEqual(['http://qa-1.example.com/']);
    expect(await ipc.invoke('desktop.info', page)).toMatchObject({ mode: 'embedded' });
  });

  it('refuses a caller that is not the app’s own page', async () => {
    const { ipc, opened } = setUp();
    await expect(ipc.invoke('desktop.openExternal', 'https://evil.example.com/', 'http://qa-1.example.com/')).rejects.toThrow(/not Berth's window/);
    await expect(ipc.invoke('desktop.openExternal', null, 'http://qa-1.example.com/')).rejects.toThrow(/not Berth's window/);
    expect(opened).toEqual([]);
  });

  it('refuses arguments that do not match the contract before any handler runs', async () => {
    const { ipc, opened } = setUp();
    await expect(ipc.invoke('desktop.openExternal', page, { url: 'x' })).rejects.toThrow(/refused/);
    await expect(ipc.invoke('desktop.startAtLogin.set', page, 'yes')).rejects.toThrow(/refused/);
    await expect(ipc.invoke('desktop.openExternal', page, 'http://a/', 'extra')).rejects.toThrow(/refused/);
    expect(opened).toEqual([]);
  });

  it('registers a handler for every call of the contract', () => {
    expect([...setUp().ipc.handlers.keys()].sort()).toEqual([
      'desktop.info',
      'desktop.logsFolder.open',
      'desktop.openExternal',
      'desktop.serviceMode.set',
      'desktop.startAtLogin.get',
      'desktop.startAtLogin.set',
    ]);
  });
});
