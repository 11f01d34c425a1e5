import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { expect, test } from './fixtures/agent';

/** The HTTP status the agent answers a WebSocket upgrade to its local API with (101: it opened). */
function upgradeStatus(port: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/api`, { headers });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      response.resume();
    });
    socket.on('error', (error) => reject(error));
  });
}

/** Tries the local API's WebSocket from inside a page, as any script on that page could: with the session its tab holds, if any. */
function tryFromPage(apiPort: number): Promise<string> {
  return new Promise((resolve) => {
    const session = sessionStorage.getItem('berth.session');
    const socket = new WebSocket(`ws://127.0.0.1:${apiPort}/api`, session === null ? ['berth.local-api'] : ['berth.local-api', `berth.session.${session}`]);
    socket.onopen = () => {
      socket.close();
      resolve('open');
    };
    socket.onerror = () => resolve('refused');
  });
}

test('refuses a wrong token and a foreign Origin, and a page of another origin has no login to show', async ({ agent, window: page }) => {
  const token = readFileSync(join(agent.storage, 'local-api.token'), 'utf8').trim();
  expect(await upgradeStatus(agent.apiPort, { Authorization: `Bearer ${token}` })).toBe(101);
  expect(await upgradeStatus(agent.apiPort, { Authorization: 'Bearer not-the-token' })).toBe(401);
  expect(await upgradeStatus(agent.apiPort, { Authorization: `Bearer ${token}`, Origin: 'http://evil.example' })).toBe(403);

  // The window's own page may connect...
  await expect(page.getByRole('main')).toHaveAttribute('aria-busy', 'false');
  expect(await page.evaluate(tryFromPage, agent.apiPort)).toBe('open');
  // ...a page of another origin on this machine may not (test/security/browser-session.spec.ts tries harder).
  const foreign = createServer((_request, response) => response.end('<!doctype html><title>somewhere else</title>'));
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  try {
    const other = await page.context().newPage();
    await other.goto(`http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`);
    expect(await other.evaluate(tryFromPage, agent.apiPort)).toBe('refused');
    await other.close();
  } finally {
    await new Promise((resolve) => foreign.close(resolve));
  }
});

test('a login link works once, and a browser without a login is told how to get one', async ({ agent, browser }) => {
  const link = await agent.loginUrl();
  const first = await browser.newContext();
  const window = await first.newPage();
  await window.goto(link);
  await expect(window.getByRole('heading', { name: 'Set up this machine' })).toBeVisible();
  await first.close();

  const second = await browser.newContext();
  const again = await second.newPage();
  await again.goto(link);
  await expect(again.getByRole('alert')).toContainText('used already or has expired');
  await expect(again.getByRole('alert')).toContainText('berth-agent open');
  // The code left the address bar as soon as the page read it.
  expect(again.url()).toBe(`${agent.origin}/`);
  await again.goto(agent.origin);
  await expect(again.getByRole('alert')).toContainText('not logged in');
  await expect(again.getByRole('alert')).toContainText('berth-agent open');
  await second.close();
});
