import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { contentSecurityPolicy, isAppUrl } from './content-security';

/** Every BrowserWindow Berth opens is made from these options; a test checks each one. */
export function secureWindowOptions(preload: string, extra: BrowserWindowConstructorOptions = {}): BrowserWindowConstructorOptions {
  return {
    ...extra,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/**
 * The session the window runs in: no permission is ever granted (camera, notifications, clipboard
 * reads…), nothing is fetched from outside the app, and every response carries the policy.
 */
export function hardenSession(session: Session, devServer: string | null): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => {
    // blob: and data: URLs are made by the page itself (xterm's images, downloads of a log).
    const allowed = isAppUrl(details.url, devServer) || /^(devtools|blob|data):/.test(details.url);
    callback({ cancel: !allowed });
  });
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy(devServer)] } });
  });
}

/** No navigation away from the app, no new windows, no <webview>: links to slots go through openExternal. */
export function hardenContents(contents: WebContents, devServer: string | null): void {
  const refuseForeign = (event: { preventDefault(): void }, url: string): void => {
    if (!isAppUrl(url, devServer)) event.preventDefault();
  };
  contents.on('will-navigate', (event) => refuseForeign(event, event.url));
  contents.on('will-redirect', (event) => refuseForeign(event, event.url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
