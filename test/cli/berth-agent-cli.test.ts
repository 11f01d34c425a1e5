import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../agent-core/protocol';
import type { SlotView } from '../../agent-core/protocol/local-api';
import { findFreePort } from '../../agent-core/traffic';
import { startAgentProcess, type AgentProcess } from '../fixtures/agent-process';
import { cliEnv, runCli, startCli, type CliResult } from '../fixtures/berth-agent-cli';
import { redeemLoginCode } from '../fixtures/browser-login';
import { BUILT_WINDOW } from '../fixtures/built-agent';
import { httpRequest } from '../fixtures/http-request';
import { getVersion } from '../fixtures/local-api-watch';
import { sampleSlotSpec, writeSampleApp } from '../fixtures/slot-spec';
import { makeTempDir } from '../fixtures/temp-dir';

const TIMEOUT = 120_000;

describe('berth-agent CLI', () => {
  let storage: ReturnType<typeof makeTempDir>;
  let sources: ReturnType<typeof makeTempDir>;
  let agent: AgentProcess;
  let publicPort: number;
  const cli = (...args: string[]): Promise<CliResult> => runCli([...args, '--storage', storage.path]);
  const json = async <T>(...args: string[]): Promise<T> => {
    const result = await cli(...args, '--json');
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as T;
  };
  const specFile = (name: string, definition: unknown): string => {
    const file = join(sources.path, `${name}.json`);
    writeFileSync(file, JSON.stringify(definition));
    return file;
  };

  beforeAll(async () => {
    storage = makeTempDir('berth-cli-storage-');
    sources = makeTempDir('berth-cli-sources-');
    writeSampleApp(join(sources.path, 'sample-app'), 'v1');
    publicPort = await findFreePort({ range: [43000, 43999] });
    agent = startAgentProcess(['run', '--storage', storage.path, '--source-root', sources.path, '--name', 'cli-test'], cliEnv());
    await agent.waitForOutput(/\bready\b/, 60_000);
  }, TIMEOUT);

  afterAll(async () => {
    if (agent && agent.child.exitCode === null) {
      agent.child.kill('SIGINT');
      await agent.exited;
    }
    storage?.cleanup();
    sources?.cleanup();
  }, TIMEOUT);

  it('prints a login link when it starts, and open prints a new one; each works once', async () => {
    expect(agent.output()).toMatch(/open the window: http:\/\/127\.0\.0\.1:\d+\/#login=\S+/);
    const opened = await cli('open');
    expect(opened.code, opened.stderr).toBe(0);
    const url = opened.stdout.trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#login=/);
    const first = await redeemLoginCode(url);
    expect(first.status).toBe(200);
    expect(first.headers['set-cookie']).toBeUndefined();
    expect((await redeemLoginCode(url)).status).toBe(403);
  }, TIMEOUT);

  it('serves the built window at the address of its login link, as npm start runs it', async () => {
    const link = (await cli('open')).stdout.trim();
    // The login code is in the link's fragment, which stays in the browser: the page is GET /.
    const page = await httpRequest(link);
    expect(page.status, page.body).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toBe(readFileSync(BUILT_WINDOW, 'utf8'));
  }, TIMEOUT);

  it('defines a local slot from a spec file and lists it in a table, or as JSON', async () => {
    const traffic = { mode: 'blue-green' as const, publicPort, healthCheck: { path: '/healthz', intervalMs: 50 }, drainTimeoutMs: 0 };
    const spec = sampleSlotSpec({ id: 'cli-web', name: 'web', workspace: 'local', traffic });
    const created = await cli('slot', 'create', '--file', specFile('web', { spec, source: { kind: 'directory', path: 'sample-app' } }));
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain(`slot local/web (cli-web) created; it deploys from ${join(sources.path, 'sample-app')}`);
    const table = await cli('slots');
    expect(table.stdout.split('\n')[0]).toMatch(/^SLOT\s+STATUS\s+COLOR\s+PRODUCTION\s+ORIGIN\s+URL\s+SOURCE$/);
    expect(table.stdout).toMatch(/local\/web\s+available\s+-\s+-\s+local/);
    expect(table.stdout).not.toContain('\x1b[');
    const slots = await json<SlotView[]>('slots');
    expect(slots.map((slot) => slot.id)).toEqual(['cli-web']);
  }, TIMEOUT);

  it('deploys with progress steps, then status shows the slot running and deployments lists it', async () => {
    const deployed = await cli('deploy', 'web', '--note', 'first try');
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(deployed.stderr).toMatch(/source\s+taking a snapshot of/);
    expect(deployed.stderr).toMatch(/startup\s+running 1 startup command/);
    expect(deployed.stderr).toMatch(/command\s+web started \(service\)/);
    const [line] = deployed.stdout.split('\n');
    expect(line).toMatch(/^deployment dep_\w+ of web is live on port \d+ \((blue|green)\)$/);
    const port = Number(/port (\d+)/.exec(line!)![1]);
    await expect(getVersion(port)).resolves.toBe('v1');
    await expect(getVersion(publicPort)).resolves.toBe('v1');

    const status = await cli('status');
    expect(status.stdout).toMatch(/agent\s+cli-test \(berth /);
    expect(status.stdout).toMatch(/slots\s+1 \(1 running\)/);
    expect(status.stdout).toMatch(/local\/web\s+running\s+(blue|green)\s+dep_\w+\s+local/);
    const deployments = await json<Deployment[]>('deployments', 'local/web');
    expect(deployments).toEqual([expect.objectContaining({ status: 'ready', isProduction: true, note: 'first try', port })]);
    const listed = await cli('deployments', 'web');
    expect(listed.stdout).toMatch(new RegExp(`${deployments[0]!.id}\\s+ready\\s+\\*`));
  }, TIMEOUT);

  it('colours its tables only for a terminal or when FORCE_COLOR asks', async () => {
    const plain = await cli('slots');
    expect(plain.stdout).not.toContain('\x1b[');
    const coloured = await runCli(['slots', '--storage', storage.path], cliEnv({ FORCE_COLOR: '1' }));
    expect(coloured.stdout).toContain('\x1b[32mrunning\x1b[39m');
  }, TIMEOUT);

  it('prints the latest log, and follows new output with -f until Ctrl+C', async () => {
    const log = await cli('logs', 'web');
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout).toMatch(/sample app v1 listening on \d+/);
    expect(log.stdout).not.toContain('\r');
    const follow = startCli(['logs', 'web', '-f', '--storage', storage.path]);
    try {
      await follow.waitForOutput('listening on', 60_000);
      const restarted = await cli('restart', 'web');
      expect(restarted.stdout).toContain('slot local/web is running');
      await follow.waitForOutput(/listening on \d+[\s\S]*listening on \d+/, 60_000);
    } finally {
      follow.child.kill('SIGINT');
    }
    expect((await follow.exited).code).toBe(0);
  }, TIMEOUT);

  it('stops and starts the slot', async () => {
    const stopped = await cli('stop', 'web');
    expect(stopped.stdout).toMatch(/^slot local\/web is available \(production dep_\w+\)/);
    const [production] = await json<Deployment[]>('deployments', 'web');
    await expect(fetch(`http://127.0.0.1:${production!.port}/`)).rejects.toThrow();
    const started = await json<{ status: string }>('start', 'web');
    expect(started.status).toBe('running');
  }, TIMEOUT);

  it('deploys another directory as a preview, promotes it, then rolls back', async () => {
    const next = writeSampleApp(join(sources.path, 'sample-app-v2'), 'v2');
    const preview = await cli('deploy', 'web', '--dir', next, '--no-promote');
    expect(preview.code, preview.stderr).toBe(0);
    const previewId = /deployment (dep_\w+) of web is ready as a preview/.exec(preview.stdout)?.[1];
    expect(preview.stdout).toContain(`promote it with: berth-agent promote web ${previewId}`);
    await expect(getVersion(publicPort)).resolves.toBe('v1');
    const [, first] = await json<Deployment[]>('deployments', 'web');
    const promoted = await cli('promote', 'web', previewId!);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(promoted.stdout).toContain(`deployment ${previewId} of web is live`);
    await expect(getVersion(publicPort)).resolves.toBe('v2');
    // v1 drained and stays warm: status says for how long a rollback to it is a swap.
    const status = await cli('status');
    expect(status.stdout).toMatch(new RegExp(`local/web\\s+(blue|green) warm, [45]:\\d\\d left \\(${first!.id}\\): a rollback to it is instant`));
    const rolledBack = await json<Deployment>('rollback', 'web');
    expect(rolledBack).toMatchObject({ id: first!.id, isProduction: true });
    await expect(getVersion(publicPort)).resolves.toBe('v1');
  }, TIMEOUT);

  it('exits non-zero with the agent\'s message when a deployment fails, and logs --failure shows why', async () => {
    const spec = sampleSlotSpec({ id: 'cli-broken', name: 'broken', workspace: 'local' });
    spec.template.startup = [{ type: 'bash', name: 'build', arguments: 'echo "error TS2322: not assignable"; exit 2' }, ...spec.template.startup!];
    expect((await cli('slot', 'create', '--file', specFile('broken', spec), '--dir', join(sources.path, 'sample-app'))).code).toBe(0);
    const failed = await cli('deploy', 'broken');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/berth-agent: deployment dep_\w+ failed: .*'build'.*code 2/);
    expect(failed.stderr).toContain('see its log with: berth-agent logs broken --failure');
    const log = await cli('logs', 'broken', '--failure');
    expect(log.stdout).toContain('error TS2322: not assignable');
  }, TIMEOUT);

  it('refuses an unknown slot, a directory outside the source roots and a wrong command line with a message', async () => {
    const unknown = await cli('start', 'nope');
    expect(unknown).toMatchObject({ code: 1, stderr: "berth-agent: no slot 'nope' on this host\n" });
    const outside = makeTempDir();
    try {
      const refused = await cli('deploy', 'web', '--dir', outside.path);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('is not under a configured source root');
    } finally {
      outside.cleanup();
    }
    const missing = await cli('deploy');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('berth-agent deploy: missing SLOT');
    expect(missing.stderr).toContain('usage: berth-agent deploy SLOT');
    expect((await cli('deploy', 'web', '--dir', 'a', '--branch', 'b')).code).toBe(2);
    expect((await cli('logs', 'web', '--bogus')).code).toBe(2);
  }, TIMEOUT);

  it('says so when no agent runs with the storage folder', async () => {
    const empty = makeTempDir();
    try {
      const result = await runCli(['status', '--storage', empty.path]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`no Berth agent is running with storage ${empty.path}`);
    } finally {
      empty.cleanup();
    }
  }, TIMEOUT);

  it('removes a local slot', async () => {
    const removed = await cli('slot', 'remove', 'broken');
    expect(removed.code, removed.stderr).toBe(0);
    expect((await json<SlotView[]>('slots')).map((slot) => slot.id)).toEqual(['cli-web']);
  }, TIMEOUT);
});
