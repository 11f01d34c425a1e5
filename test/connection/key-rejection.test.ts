import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentProcess } from '../fixtures/agent-process';
import { startConnectedAgent, stopAgent } from '../fixtures/connected-agent';
import { FixtureControlPlane } from '../fixtures/control-plane';
import { makeTempDir } from '../fixtures/temp-dir';
import { waitFor } from '../fixtures/wait';

const CLI = fileURLToPath(new URL('../../agent-core/cli/berth-agent.ts', import.meta.url));

/** Runs `berth-agent <args>` with `input` on stdin, without BERTH_API_KEY, and returns its output. */
function cli(args: string[], input = ''): Promise<{ code: number | null; output: string }> {
  const env = { ...process.env };
  delete env.BERTH_API_KEY;
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

/** Waits `ms` and returns how many upgrades the server saw meanwhile: proof of not hammering takes time. */
async function upgradesDuring(plane: FixtureControlPlane, ms: number): Promise<number> {
  const before = plane.upgrades.length;
  await new Promise((resolve) => setTimeout(resolve, ms));
  return plane.upgrades.length - before;
}

function nextAttemptAt(output: string): number {
  const match = /API key rejected; next attempt at (\S+),/.exec(output);
  return match ? Date.parse(match[1]!) : NaN;
}

describe('key rejection', () => {
  let plane: FixtureControlPlane;
  let storage: ReturnType<typeof makeTempDir>;
  let agent: AgentProcess | null = null;

  beforeEach(async () => {
    plane = await FixtureControlPlane.start({ apiKeys: ['good-key'] });
    storage = makeTempDir('berth-key-');
  });

  afterEach(async () => {
    if (agent) await stopAgent(agent);
    agent = null;
    await plane.stop();
    storage.cleanup();
  });

  it('does not hammer a server that answers 401: it waits 5 minutes before the next attempt', { timeout: 60_000 }, async () => {
    agent = startConnectedAgent(plane, storage.path, { apiKey: 'revoked-key' });
    await agent.waitForOutput('API key rejected');
    const rejectedAt = Date.now();
    expect(plane.upgrades).toHaveLength(1);
    expect(plane.upgrades[0]).toMatchObject({ accepted: false, authorization: 'Bearer revoked-key' });
    expect(nextAttemptAt(agent.output()) - rejectedAt).toBeGreaterThan(4.9 * 60_000);
    // Plain backoff would have tried three or four times by now.
    expect(await upgradesDuring(plane, 4_000)).toBe(0);
    expect(agent.output()).not.toContain('revoked-key');
  });

  it('treats close code 4001 as a revoked key', { timeout: 60_000 }, async () => {
    agent = startConnectedAgent(plane, storage.path, { apiKey: 'good-key' });
    await plane.waitForSession();
    plane.apiKeys.clear();
    plane.closeConnections(4001, 'key revoked');
    await agent.waitForOutput('API key rejected');
    expect(nextAttemptAt(agent.output()) - Date.now()).toBeGreaterThan(4.8 * 60_000);
    expect(await upgradesDuring(plane, 4_000)).toBe(0);
  });

  it('waits 30 s after being replaced by a newer connection (4002), and stops for an unsupported protocol (4003)', { timeout: 60_000 }, async () => {
    agent = startConnectedAgent(plane, storage.path, { apiKey: 'good-key' });
    await plane.waitForSession();
    plane.closeConnections(4002, 'replaced');
    await agent.waitForOutput('replaced this one; waiting until');
    const until = Date.parse(/waiting until (\S+)/.exec(agent.output())![1]!);
    expect(until - Date.now()).toBeGreaterThan(25_000);
    expect(await upgradesDuring(plane, 3_000)).toBe(0);
    await stopAgent(agent);

    agent = startConnectedAgent(plane, storage.path, { apiKey: 'good-key' });
    const before = plane.connections;
    await plane.waitForSession(before);
    plane.closeConnections(4003, 'protocol 1 is no longer supported');
    await agent.waitForOutput('control plane: protocol 1 is no longer supported; update the agent');
    expect(await upgradesDuring(plane, 3_000)).toBe(0);
  });

  it('connects at once when the key is changed with berth-agent login, and forgets it on logout', { timeout: 90_000 }, async () => {
    const loggedIn = await cli(['login', '--server', plane.url, '--storage', storage.path], 'wrong-key\n');
    expect(loggedIn.code, loggedIn.output).toBe(0);
    expect(loggedIn.output).not.toContain('wrong-key');
    try {
      agent = startConnectedAgent(plane, storage.path, { apiKey: null });
      await agent.waitForOutput('API key rejected');
      const started = Date.now();
      const relogged = await cli(['login', '--server', plane.url, '--storage', storage.path], 'good-key\n');
      expect(relogged.code, relogged.output).toBe(0);
      await plane.waitForSession();
      // Within the key poll, far sooner than the 5 minutes a rejected key waits.
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(plane.upgrades.at(-1)!.authorization).toBe('Bearer good-key');
      expect(agent.output()).not.toContain('good-key');
    } finally {
      const loggedOut = await cli(['logout']);
      expect(loggedOut.output).toContain('API key removed');
    }
    expect((await cli(['logout'])).output).toContain('no API key was stored');
  });

  it('refuses a plain ws:// server that is not this machine unless allowed', async () => {
    const result = await cli(['login', '--server', 'http://deploy.example.com', '--storage', storage.path], 'good-key\n');
    expect(result.code).toBe(1);
    expect(result.output).toContain('not encrypted');
  });
});

describe('waiting for a key', () => {
  it('starts disconnected without a key and connects once one is stored', { timeout: 60_000 }, async () => {
    const plane = await FixtureControlPlane.start({ apiKeys: ['late-key'] });
    const storage = makeTempDir('berth-late-key-');
    const agent = startConnectedAgent(plane, storage.path, { apiKey: null });
    try {
      await agent.waitForOutput('no API key is stored');
      expect(plane.upgrades).toHaveLength(0);
      expect((await cli(['login', '--server', plane.url, '--storage', storage.path], 'late-key')).code).toBe(0);
      await plane.waitForSession();
      await waitFor(() => agent.output().includes('online as host'), 'online');
    } finally {
      await cli(['logout']);
      await stopAgent(agent);
      await plane.stop();
      storage.cleanup();
    }
  });
});
