import type { App, Settings } from 'electron';

/** Passed by the login item on Windows, so a start at login opens in the tray without a window. */
export const HIDDEN_FLAG = '--hidden';

/** Electron manages login items on Windows and macOS only. */
export function canStartAtLogin(platform: NodeJS.Platform): boolean {
  return platform === 'win32' || platform === 'darwin';
}

export function loginItemSettings(enabled: boolean, platform: NodeJS.Platform): Settings {
  if (platform === 'win32') return { openAtLogin: enabled, args: [HIDDEN_FLAG] };
  return { openAtLogin: enabled, openAsHidden: enabled };
}

/** Whether this launch came from the login item: then Berth starts in the tray only. */
export function startedHidden(argv: readonly string[], wasOpenedAsHidden: boolean): boolean {
  return argv.includes(HIDDEN_FLAG) || wasOpenedAsHidden;
}

type LoginItems = Pick<App, 'getLoginItemSettings' | 'setLoginItemSettings'>;

/** Null where the platform has no login items. */
export function getStartAtLogin(app: LoginItems, platform: NodeJS.Platform): boolean | null {
  if (!canStartAtLogin(platform)) return null;
  // Windows finds the entry by its arguments: ask with the same ones it was registered with.
  const query = platform === 'win32' ? { args: [HIDDEN_FLAG] } : undefined;
  return app.getLoginItemSettings(query).openAtLogin;
}

export function setStartAtLogin(app: LoginItems, enabled: boolean, platform: NodeJS.Platform): boolean | null {
  if (!canStartAtLogin(platform)) return null;
  app.setLoginItemSettings(loginItemSettings(enabled, platform));
  return getStartAtLogin(app, platform);
}
