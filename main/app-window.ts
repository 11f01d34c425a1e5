import { BrowserWindow, type MessagePortMain } from 'electron';
import { DESKTOP_EVENTS, type NavigationTarget } from '../agent-core/protocol/desktop';
import { APP_ORIGIN } from './content-security';
import { secureWindowOptions } from './window-security';

export interface AppWindowOptions {
  preload: string;
  /** electron-vite's dev server while developing; else the built files through the app scheme. */
  devServer: string | null;
  icon?: string;
}

export function createAppWindow(options: AppWindowOptions): BrowserWindow {
  const window = new BrowserWindow(
    secureWindowOptions(options.preload, {
      width: 1200,
      height: 780,
      minWidth: 800,
      minHeight: 520,
      show: false,
      title: 'Berth',
      icon: options.icon,
      backgroundColor: '#111418',
    }),
  );
  void window.loadURL(options.devServer ?? `${APP_ORIGIN}/index.html`);
  return window;
}

/** Brings the window to the front from the tray, a notification or a second launch. */
export function revealWindow(window: Pick<BrowserWindow, 'isMinimized' | 'restore' | 'show' | 'focus'>): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

export function sendAgentPort(window: BrowserWindow, port: MessagePortMain): void {
  window.webContents.postMessage(DESKTOP_EVENTS.agentPort, null, [port]);
}

export function sendNavigation(window: BrowserWindow, target: NavigationTarget): void {
  window.webContents.send(DESKTOP_EVENTS.navigate, target);
}
