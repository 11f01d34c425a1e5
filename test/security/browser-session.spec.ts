import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { redeemLoginCode } from '../fixtures/browser-login';
import { startLocalApiHarness } from '../fixtures/local-api';
import { upgradeStatus } from '../fixtures/upgrade-status';
import { expect, openWindow, test } from '../e2e/fixtures/agent';
import { BUILT_WINDOW_DIR } from '../e2e/fixtures/headless-agent';

// The browser session of the window served by `berth-agent run` (agent-core/local-api/browser-login.ts),
// attacked from what else a browser on this machine visits: another server on 127.0.0.1.

/** A "malicious local app" on another loopback port: it records every request the browser makes to it. */
interface LoopbackSpy {
  origin: string;
  seen: { url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

async function startLoopbackSpy(): Promise<LoopbackSpy> {
  const seen: LoopbackSpy['seen'] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>a local app</title><img src="/pixel.png">');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * What the spy's server does with what it got: a WebSocket upgrade to the agent's local API with the
 * headers the browser sent it, the agent's own Origin forged, and every value it holds offered as a
 * session. Resolves with the HTTP status (101: the local API opened).
 */
function replayUpgrade(apiPort: number, received: IncomingHttpHeaders, sessions: string[]): Promise<number> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(received)) {
    if (value === undefined || ['host', 'origin', 'connection', 'upgrade'].includes(name) || name.startsWith('sec-websocket')) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  headers['Host'] = `127.0.0.1:${apiPort}`;
  headers['Origin'] = `http://127.0.0.1:${apiPort}`;
  headers['Sec-WebSocket-Protocol'] = ['berth.local-api', ...sessions.map((session) => `berth.session.${session}`)].join(', ');
  return upgradeStatus(apiPort, headers);
}

/** Every secret-looking value in a Cookie header (the cookie-replay attack offers each one as a session). */
function cookieValues(headers: IncomingHttpHeaders): string[] {
  return (headers.cookie ?? '').split(';').flatMap((part) => (part.includes('=') ? [part.slice(part.indexOf('=') + 1).trim()] : []));
}

/** A page script's attempts at the agent's WebSocket: bare, with the API's subprotocol, with whatever cookies it can read as a session. */
function tryAgentFromPage(apiPort: number): Promise<string[]> {
  const attempt = (protocols: string[]): Promise<string> =>
    new Promise((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${apiPort}/api`, protocols);
      socket.onopen = () => {
        socket.close();
        resolve('open');
      };
      socket.onerror = () => resolve('refused');
    });
  const fromCookies = document.cookie.split(';').map((part) => `berth.session.${part.split('=')[1] ?? ''}`);
  return Promise.all([attempt([]), attempt(['berth.local-api']), attempt(['berth.local-api', ...fromCookies]), attempt(['berth.local-api', 'berth.session.'])]);
}

function tabSession(page: Page): Promise<string | null> {
  return page.evaluate(() => sessionStorage.getItem('berth.session'));
}

test('a server on another loopback port that the browser visits gets no credential and cannot open the agent’s WebSocket', async ({ agent, window: page }) => {
  const session = await tabSession(page);
  expect(session, 'the logged-in window holds its session in sessionStorage').not.toBeNull();
  const spy = await startLoopbackSpy();
  try {
    // The user follows a link from the window to the local app, and opens it in another tab too.
    await page.evaluate((url) => {
      location.href = url;
    }, `${spy.origin}/from-the-window`);
    await expect(page).toHaveTitle('a local app');
    const other = await page.context().newPage();
    await other.goto(`${spy.origin}/other-tab`);
    await expect.poll(() => spy.seen.filter((entry) => entry.url === '/pixel.png').length).toBe(2);

    // No request the browser made to it carries a cookie, the session, or the window's address.
    for (const { url, headers } of spy.seen) {
      expect(headers.cookie, `Cookie sent to the local app with ${url}`).toBeUndefined();
      expect(JSON.stringify(headers)).not.toContain(session!);
      expect(headers.referer ?? '').not.toContain(`127.0.0.1:${agent.apiPort}`);
    }

    // Its page's scripts cannot open the agent's WebSocket, with anything they can get.
    expect(await other.evaluate(tryAgentFromPage, agent.apiPort)).toEqual(['refused', 'refused', 'refused', 'refused']);

    // Its server replays everything it received with the agent's own Origin forged: refused.
    for (const { headers } of spy.seen) expect(await replayUpgrade(agent.apiPort, headers, cookieValues(headers))).toBe(401);
    // The same replay with the session itself would open the door: the session is what must not leak.
    expect(await replayUpgrade(agent.apiPort, spy.seen[0]!.headers, [session!])).toBe(101);
    await other.close();

    // Back in the window's tab, its login still holds.
    await page.goBack();
    await expect(page.getByRole('main')).toHaveAttribute('aria-busy', 'false');
    await expect(page.getByRole('alert')).toHaveCount(0);
  } finally {
    await spy.close();
  }
});

test('a login link works once: whoever opens it second gets no session', async ({ agent, browser }) => {
  const link = await agent.loginUrl();
  const first = await openWindow(browser, agent, link);
  expect(await tabSession(first)).not.toBeNull();
  expect(first.url(), 'the code leaves the address bar').toBe(`${agent.origin}/`);

  const secondContext = await browser.newContext();
  const second = await secondContext.newPage();
  await second.goto(link);
  await expect(second.getByRole('alert')).toContainText('used already or has expired');
  expect(await tabSession(second)).toBeNull();
  expect((await redeemLoginCode(link)).status).toBe(403);
  await secondContext.close();
  await first.context().close();
});

test('an expired login link is refused', async ({ browser }) => {
  let now = Date.now();
  const harness = await startLocalApiHarness('websocket', { rendererDir: BUILT_WINDOW_DIR, clock: () => now });
  try {
    const link = harness.web!.loginUrl();
    now += 15 * 60_000 + 1_000;
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link);
    await expect(page.getByRole('alert')).toContainText('used already or has expired');
    expect(await tabSession(page)).toBeNull();
    await context.close();
  } finally {
    await harness.close();
  }
});

test('a reload of the window keeps its login; a new tab needs a link of its own', async ({ agent, window: page }) => {
  await expect(page.getByRole('main')).toHaveAttribute('aria-busy', 'false');
  await page.reload();
  await expect(page.getByRole('main')).toHaveAttribute('aria-busy', 'false');
  await expect(page.getByRole('alert')).toHaveCount(0);

  const tab = await page.context().newPage();
  await tab.goto(agent.origin);
  await expect(tab.getByRole('alert')).toContainText('not logged in');
  await tab.close();
});
