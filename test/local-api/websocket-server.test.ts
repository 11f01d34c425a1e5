import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ENDPOINT_FILE, TOKEN_FILE, readLocalApiAccess } from '../../agent-core/local-api';
import { BrowserLogin } from '../../agent-core/local-api/browser-login';
import { loginCode, redeemLoginCode } from '../fixtures/browser-login';
import { httpRequest } from '../fixtures/http-request';
import { startLocalApiHarness, type LocalApiHarness } from '../fixtures/local-api';
import { makeTempDir } from '../fixtures/temp-dir';
import { upgradeStatus } from '../fixtures/upgrade-status';

describe('local API WebSocket server', () => {
  let harness: LocalApiHarness;
  let temp: ReturnType<typeof makeTempDir>;
  let port: number;
  let token: string;
  beforeEach(async () => {
    temp = makeTempDir('berth-renderer-');
    const window = join(temp.path, 'window');
    mkdirSync(join(window, 'assets'), { recursive: true });
    writeFileSync(join(window, 'index.html'), '<!doctype html><title>Berth</title>');
    writeFileSync(join(window, 'assets', 'app.js'), 'console.log("berth");');
    writeFileSync(join(temp.path, 'outside.txt'), 'secret');
    harness = await startLocalApiHarness('websocket', { rendererDir: window });
    ({ port, token } = readLocalApiAccess(harness.agent.storagePath));
  });
  afterEach(async () => {
    await harness.close();
    temp.cleanup();
  });

  it('listens on 127.0.0.1 and writes its port and a token only the user can read into the storage folder', () => {
    expect(harness.web!.port).toBe(port);
    expect(token.length).toBeGreaterThanOrEqual(40);
    if (process.platform !== 'win32') expect(statSync(join(harness.agent.storagePath, TOKEN_FILE)).mode & 0o777).toBe(0o600);
  });

  it('opens the WebSocket for the right token and refuses a wrong one or none', async () => {
    const own = { Host: `127.0.0.1:${port}` };
    expect(await upgradeStatus(port, { ...own, Authorization: `Bearer ${token}` })).toBe(101);
    expect(await upgradeStatus(port, { ...own, Authorization: `Bearer ${token.slice(0, -1)}x` })).toBe(401);
    expect(await upgradeStatus(port, { ...own, Authorization: 'Bearer ' })).toBe(401);
    expect(await upgradeStatus(port, own)).toBe(401);
    const refused = new WebSocket(`ws://127.0.0.1:${port}/api`, { headers: { Authorization: 'Bearer wrong' } });
    await expect(new Promise((_, reject) => refused.once('error', reject))).rejects.toThrow(/401/);
  });

  it('refuses a foreign Origin and a foreign Host (DNS rebinding) even with the right token', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    expect(await upgradeStatus(port, { ...auth, Host: `127.0.0.1:${port}`, Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(port, { ...auth, Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port + 1}` })).toBe(403);
    expect(await upgradeStatus(port, { ...auth, Host: `evil.example:${port}` })).toBe(403);
    expect(await upgradeStatus(port, { ...auth, Host: `127.0.0.1:${port}`, Origin: `http://localhost:${port}` })).toBe(101);
    const page = await httpRequest(`http://127.0.0.1:${port}/`, { headers: { Host: `rebound.example:${port}` } });
    expect(page.status).toBe(403);
    expect(page.body).not.toContain('Berth');
  });

  it('logs a browser in once with a one-time link, for a session that opens the WebSocket from its own origin only', async () => {
    const link = harness.web!.loginUrl();
    const own = `http://127.0.0.1:${port}`;
    expect(link).toMatch(new RegExp(`^${own}/#login=[A-Za-z0-9_-]{40,}$`));

    const login = await redeemLoginCode(link);
    expect(login.status).toBe(200);
    expect(login.headers['set-cookie']).toBeUndefined();
    expect(login.headers['cache-control']).toBe('no-store');
    const { session } = JSON.parse(login.body) as { session: string };
    expect((await redeemLoginCode(link)).status).toBe(403);

    const offered = { Host: `127.0.0.1:${port}`, 'Sec-WebSocket-Protocol': `berth.local-api, berth.session.${session}` };
    expect(await upgradeStatus(port, { ...offered, Origin: own })).toBe(101);
    expect(await upgradeStatus(port, offered)).toBe(401);
    expect(await upgradeStatus(port, { ...offered, Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(port, { ...offered, Origin: own, 'Sec-WebSocket-Protocol': `berth.local-api, berth.session.${session}x` })).toBe(401);
  });

  it('trades a login code only for the window’s own page, and only as JSON', async () => {
    const link = harness.web!.loginUrl();
    expect((await redeemLoginCode(link, { origin: `http://127.0.0.1:${port + 1}` })).status).toBe(403);
    expect((await redeemLoginCode(link, { origin: undefined })).status).toBe(403);
    const form = await httpRequest(`http://127.0.0.1:${port}/login`, {
      method: 'POST',
      headers: { Origin: `http://127.0.0.1:${port}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `code=${loginCode(link)}`,
    });
    expect(form.status).toBe(415);
    expect((await redeemLoginCode(link, { code: 'not-a-code' })).status).toBe(403);
    // None of the refusals spent the code.
    expect((await redeemLoginCode(link)).status).toBe(200);
  });

  it('hands out login links through the API, as berth-agent open asks for them', async () => {
    const client = await harness.connect();
    const { url } = await client.call('ui.loginUrl');
    expect((await redeemLoginCode(url)).status).toBe(200);
  });

  it('serves the built window with a Content-Security-Policy, and nothing outside its folder', async () => {
    const page = await httpRequest(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Berth</title>');
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toContain(`connect-src 'self' ws://127.0.0.1:${port}`);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const script = await httpRequest(`http://127.0.0.1:${port}/assets/app.js`);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect((await httpRequest(`http://127.0.0.1:${port}/slots/web-1`)).body).toContain('<title>Berth</title>');
    for (const path of ['/../outside.txt', '/%2e%2e/outside.txt', '/assets/..%2f..%2foutside.txt', '/missing.js']) {
      const answer = await httpRequest(`http://127.0.0.1:${port}${path}`);
      expect(answer.status, path).toBe(404);
      expect(answer.body).not.toContain('secret');
    }
    expect((await httpRequest(`http://127.0.0.1:${port}/`, { method: 'POST' })).status).toBe(405);
  });

  it('removes its port and token files when it closes, and the CLI then says the agent is not running', async () => {
    await harness.web!.close();
    expect(existsSync(join(harness.agent.storagePath, TOKEN_FILE))).toBe(false);
    expect(existsSync(join(harness.agent.storagePath, ENDPOINT_FILE))).toBe(false);
    expect(() => readLocalApiAccess(harness.agent.storagePath)).toThrow(/no Berth agent is running/);
  });
});

describe('browser login', () => {
  it('lets a login link expire after 15 minutes unused', () => {
    let now = 1_000;
    const login = new BrowserLogin(15 * 60_000, () => now);
    const early = login.issue();
    const late = login.issue();
    now += 15 * 60_000 - 1;
    expect(login.redeem(early)).not.toBeNull();
    now += 2;
    expect(login.redeem(late)).toBeNull();
  });

  it('accepts only the sessions it issued', () => {
    const login = new BrowserLogin();
    const session = login.redeem(login.issue())!;
    expect(login.hasSession(session)).toBe(true);
    expect(login.hasSession(`${session}x`)).toBe(false);
    expect(login.hasSession(null)).toBe(false);
  });
});
