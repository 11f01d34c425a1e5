import { readFile } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import type { Protocol } from 'electron';
import { APP_SCHEME, contentSecurityPolicy } from './content-security';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Must run before the app is ready: the scheme behaves like https (origin, fetch, secure context). */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** The file under `rendererDir` a berth://app URL names, or null for anything outside it. */
export function rendererFile(rendererDir: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== 'app') return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  const root = resolve(rendererDir);
  const file = resolve(join(root, path === '/' || path === '' ? 'index.html' : path));
  const inside = relative(root, file);
  if (inside === '' || inside.startsWith('..') || inside.split(sep).includes('..')) return null;
  return file;
}

/** Serves the built window from `rendererDir`, every response with the Content-Security-Policy. */
export function serveRenderer(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = rendererFile(rendererDir, request.url);
    if (file === null) return new Response('not found', { status: 404 });
    // A path without an extension is one of the window's own routes: the page itself answers it.
    const candidates = extname(file) === '' ? [file, join(resolve(rendererDir), 'index.html')] : [file];
    for (const candidate of candidates) {
      try {
        const body = await readFile(candidate);
        return new Response(body, {
          headers: {
            'content-type': TYPES[extname(candidate)] ?? 'application/octet-stream',
            'content-security-policy': contentSecurityPolicy(),
            'x-content-type-options': 'nosniff',
          },
        });
      } catch {
        continue;
      }
    }
    return new Response('not found', { status: 404 });
  });
}
