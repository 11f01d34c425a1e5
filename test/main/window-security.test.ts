import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAppWindow } from '../../main/app-window';
import { APP_ORIGIN, contentSecurityPolicy } from '../../main/content-security';
import { isSlotUrl } from '../../main/external-links';
import { rendererFile, serveRenderer } from '../../main/renderer-protocol';
import { hardenContents, hardenSession } from '../../main/window-security';
import { agentState, deployment, slotView } from '../fixtures/agent-state';
import { BrowserWindow, FakeSession, FakeWebContents } from '../fixtures/fake-electron';
import { makeTempDir } from '../fixtures/temp-dir';

vi.mock('electron', () => import('../fixtures/fake-electron'));

const root = resolve(import.meta.dirname, '..', '..');
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function navigate(contents: FakeWebContents, event: 'will-navigate' | 'will-redirect', url: string): boolean {
  let prevented = false;
  contents.emit(event, { url, preventDefault: () => (prevented = true) });
  return !prevented;
}

describe('window security', () => {
  it('opens the window isolated, sandboxed and without Node, from the app scheme', () => {
    const window = createAppWindow({ preload: '/app/out/preload/index.cjs', devServer: null }) as unknown as BrowserWindow;
    expect(window.options['webPreferences']).toEqual({
      preload: '/app/out/preload/index.cjs',
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
    });
    expect(window.loadedUrl).toBe(`${APP_ORIGIN}/index.html`);
  });

  it('makes every BrowserWindow in main from the secure options', () => {
    const files = readdirSync(join(root, 'main')).filter((file) => file.endsWith('.ts'));
    const constructions = files.flatMap((file) =>
      [...readFileSync(join(root, 'main', file), 'utf8').matchAll(/new BrowserWindow\(\s*([\w.]+)/g)].map((match) => `${file}: ${match[1]}`),
    );
    expect(constructions).toEqual(['app-window.ts: secureWindowOptions']);
  });

  it('keeps the window on the app: no navigation away, no new windows, no webviews', () => {
    const contents = new FakeWebContents();
    hardenContents(contents as never, null);
    expect(navigate(contents, 'will-navigate', 'https://evil.example.com/')).toBe(false);
    expect(navigate(contents, 'will-redirect', 'file:///C:/Windows/System32/')).toBe(false);
    expect(navigate(contents, 'will-navigate', `${APP_ORIGIN}/index.html#/slots`)).toBe(true);
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example.com/' })).toEqual({ action: 'deny' });
    let webview = true;
    contents.emit('will-attach-webview', { preventDefault: () => (webview = false) });
    expect(webview).toBe(false);
  });

  it('denies every permission and loads nothing from outside the app', () => {
    const session = new FakeSession();
    hardenSession(session as never, null);
    const granted: boolean[] = [];
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation']) session.permissionRequest?.(null, permission, (answer) => granted.push(answer));
    expect(granted).toEqual([false, false, false, false]);
    expect(session.permissionCheck?.(null, 'clipboard-sanitized-write')).toBe(false);
    const cancelled = (url: string): boolean | undefined => {
      let answer: boolean | undefined;
      session.beforeRequest?.({ url }, (response) => (answer = response.cancel));
      return answer;
    };
    expect(cancelled('https://cdn.example.com/script.js')).toBe(true);
    expect(cancelled('http://127.0.0.1:41001/')).toBe(true);
    expect(cancelled(`${APP_ORIGIN}/assets/index.js`)).toBe(false);
    expect(cancelled(`blob:${APP_ORIGIN}/0b7c5a2e`)).toBe(false);
    let headers: Record<string, string[]> | undefined;
    session.headersReceived?.({ url: `${APP_ORIGIN}/index.html`, responseHeaders: {} }, (response) => (headers = response.responseHeaders));
    expect(headers?.['Content-Security-Policy']).toEqual([contentSecurityPolicy()]);
  });

  it('lets the dev server and its hot reload in while developing, and nothing else', () => {
    const session = new FakeSession();
    hardenSession(session as never, 'http://localhost:5173');
    const cancelled = (url: string): boolean | undefined => {
      let answer: boolean | undefined;
      session.beforeRequest?.({ url }, (response) => (answer = response.cancel));
      return answer;
    };
    expect(cancelled('http://localhost:5173/src/main.tsx')).toBe(false);
    expect(cancelled('ws://localhost:5173/')).toBe(false);
    expect(cancelled('http://localhost:5174/')).toBe(true);
    expect(contentSecurityPolicy('http://localhost:5173')).toContain("connect-src 'self' http://localhost:5173 ws://localhost:5173");
  });

  it('lets only the app’s own scripts run', () => {
    const policy = contentSecurityPolicy();
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|https?:/);
  });

  it('serves the built window with the policy, and nothing outside its folder', async () => {
    const folder = makeTempDir();
    cleanups.push(folder.cleanup);
    mkdirSync(join(folder.path, 'renderer', 'assets'), { recursive: true });
    writeFileSync(join(folder.path, 'renderer', 'index.html'), '<!doctype html><title>Berth</title>');
    writeFileSync(join(folder.path, 'renderer', 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(folder.path, 'secret.txt'), 'no');
    const rendererDir = join(folder.path, 'renderer');
    expect(rendererFile(rendererDir, `${APP_ORIGIN}/`)).toBe(join(rendererDir, 'index.html'));
    // The URL parser folds an encoded `..` away before it is a path: the name stays inside the folder.
    expect(rendererFile(rendererDir, `${APP_ORIGIN}/%2e%2e/secret.txt`)).toBe(join(rendererDir, 'secret.txt'));
    expect(rendererFile(rendererDir, `${APP_ORIGIN}/..%2fsecret.txt`)).toBeNull();
    expect(rendererFile(rendererDir, 'berth://other/index.html')).toBeNull();

    let handler: ((request: { url: string }) => Promise<Response>) | null = null;
    serveRenderer({ handle: (_scheme: string, next: typeof handler) => (handler = next) } as never, rendererDir);
    const page = await handler!({ url: `${APP_ORIGIN}/assets/app.js` });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(page.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
    expect(await page.text()).toBe('console.log(1)');
    expect((await handler!({ url: `${APP_ORIGIN}/slots/qa-1` })).headers.get('content-type')).toMatch(/^text\/html/);
    expect((await handler!({ url: `${APP_ORIGIN}/%2e%2e/secret.txt` })).status).toBe(404);
    expect((await handler!({ url: `${APP_ORIGIN}/..%2fsecret.txt` })).status).toBe(404);
  });

  it('opens only a slot’s own http(s) address in the browser', () => {
    const preview = deployment({ id: 'dep_9', slotId: 'slot_qa-1', isProduction: false, port: 41007 });
    const state = agentState([slotView('qa-1', 'running', { url: 'http://qa-1.example.com:8080', deployments: [preview] })]);
    expect(isSlotUrl('http://qa-1.example.com:8080/login?next=/', state)).toBe(true);
    expect(isSlotUrl('http://127.0.0.1:41007/', state)).toBe(true);
    expect(isSlotUrl('http://qa-1.example.com:9090/', state)).toBe(false);
    expect(isSlotUrl('https://evil.example.com/', state)).toBe(false);
    expect(isSlotUrl('file:///C:/Windows/System32/calc.exe', state)).toBe(false);
    expect(isSlotUrl('http://user:pass@qa-1.example.com:8080/', state)).toBe(false);
    expect(isSlotUrl('http://qa-1.example.com:8080/', null)).toBe(false);
  });
});
