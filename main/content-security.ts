/** The scheme the window is served from instead of file://, so every response carries the policy below. */
export const APP_SCHEME = 'berth';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/**
 * Only the app's own files run; the window talks to the agent over a MessagePort, never the network.
 * Inline styles stay allowed: xterm.js writes its theme into a <style> element.
 * `devServer`: electron-vite's dev server during development, with its hot-reload socket and the
 * inline script React's hot reload needs; a built app never has it.
 */
export function contentSecurityPolicy(devServer: string | null = null): string {
  const self = devServer === null ? "'self'" : `'self' ${devServer}`;
  const scripts = devServer === null ? self : `${self} 'unsafe-inline'`;
  const connect = devServer === null ? "'self'" : `'self' ${devServer} ${devServer.replace(/^http/, 'ws')}`;
  return [
    "default-src 'none'",
    `script-src ${scripts}`,
    `style-src ${self} 'unsafe-inline'`,
    `img-src ${self} data:`,
    `font-src ${self} data:`,
    `connect-src ${connect}`,
    "worker-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** True for the window's own pages: the app scheme, or the dev server while developing. */
export function isAppUrl(url: string, devServer: string | null): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === 'app') return true;
  if (devServer === null) return false;
  // The dev server's hot reload talks over a WebSocket on the same host and port.
  const dev = new URL(devServer);
  return (parsed.protocol === dev.protocol || parsed.protocol === dev.protocol.replace(/^http/, 'ws')) && parsed.host === dev.host;
}
