import type { BrowserWindow } from 'electron';

/**
 * The window's close button hides it: Berth keeps running in the tray, and `onFirstHide` lets
 * the user know the first time. Once a quit has begun, closing really closes.
 */
export function closeToTray(window: Pick<BrowserWindow, 'on' | 'hide'>, options: { isQuitting(): boolean; onFirstHide(): void; hintShown(): boolean }): void {
  window.on('close', (event) => {
    if (options.isQuitting()) return;
    event.preventDefault();
    window.hide();
    if (!options.hintShown()) options.onFirstHide();
  });
}
