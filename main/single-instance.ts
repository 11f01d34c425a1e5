import type { App } from 'electron';

/**
 * One Berth per user: a second launch hands its arguments to the first, which shows its window,
 * and quits. Returns false in that second launch, which must then do nothing else.
 */
export function claimSingleInstance(app: Pick<App, 'requestSingleInstanceLock' | 'quit' | 'on'>, onSecondLaunch: (argv: string[]) => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', (_event, argv) => onSecondLaunch(argv));
  return true;
}
