import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeToTray } from '../../main/close-to-tray';
import { DesktopPreferences } from '../../main/preferences';
import { BrowserWindow } from '../fixtures/fake-electron';
import { makeTempDir } from '../fixtures/temp-dir';

vi.mock('electron', () => import('../fixtures/fake-electron'));

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function setUp(preferencesPath: string) {
  const window = new BrowserWindow({});
  window.show();
  let quitting = false;
  const hints: string[] = [];
  const preferences = new DesktopPreferences(preferencesPath);
  closeToTray(window as never, {
    isQuitting: () => quitting,
    hintShown: () => preferences.trayHintShown,
    onFirstHide: () => {
      preferences.markTrayHintShown();
      hints.push('Berth keeps running');
    },
  });
  return { window, hints, quit: () => (quitting = true) };
}

describe('close to tray', () => {
  it('hides the window instead of closing it, and says so the first time only, across restarts', () => {
    const folder = makeTempDir();
    cleanups.push(folder.cleanup);
    const path = join(folder.path, 'desktop-preferences.json');
    const first = setUp(path);
    expect(first.window.clickClose()).toBe(false);
    expect(first.window.visible).toBe(false);
    first.window.show();
    first.window.clickClose();
    expect(first.hints).toEqual(['Berth keeps running']);

    const afterRestart = setUp(path);
    afterRestart.window.clickClose();
    expect(afterRestart.window.visible).toBe(false);
    expect(afterRestart.hints).toEqual([]);
  });

  it('really closes once a quit has begun', () => {
    const folder = makeTempDir();
    cleanups.push(folder.cleanup);
    const { window, quit } = setUp(join(folder.path, 'prefs.json'));
    quit();
    expect(window.clickClose()).toBe(true);
  });
});
