import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pty from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../agent-core/protocol';
import type { LocalApiClient, SlotView } from '../../agent-core/protocol/local-api';
import { connectToAgent } from '../../agent-core/cli/local-api-connection';
import { findFreePort } from '../../agent-core/traffic';
import type { CliResult } from '../fixtures/berth-agent-cli';
import { BUILT_AGENT, ensureAgentBuilt, runBuiltCli, startBuiltAgent, type BuiltAgent } from '../fixtures/built-agent';
import { httpRequest, type HttpAnswer } from '../fixtures/http-request';
import { makeTempDir } from '../fixtures/temp-dir';
import { waitFor } from '../fixtures/wait';

const TIMEOUT = 120_000;

interface UpAnswer {
  url: string;
  slot: SlotView;
  deployment: Deployment;
  healthCheckPath: string | null;
}

/** Files of a project folder (path → content), written over what is there. */
function writeProject(folder: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(folder, path, '..'), { recursive: true });
    writeFileSync(join(folder, path), content);
  }
}

// A Node.js hello world with one tiny dependency from the npm registry, locked.
const nodeApp = (version: string): Record<string, string> => ({
  'package.json': JSON.stringify({ name: 'hello', version: '1.0.0', private: true, scripts: { start: 'node server.js' }, dependencies: { ms: '2.1.3' } }),
  'package-lock.json': JSON.stringify({
    name: 'hello',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'hello', version: '1.0.0', dependencies: { ms: '2.1.3' } },
      'node_modules/ms': {
        version: '2.1.3',
        resolved: 'https://registry.npmjs.org/ms/-/ms-2.1.3.tgz',
        integrity: 'sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==',
        license: 'MIT',
      },
    },
  }),
  'server.js': `const ms = require('ms');
require('node:http').createServer((req, res) => {
  if (req.url === '/healthz') return res.end('ok');
  res.end('node ${version} ' + ms(60000));
}).listen(Number(process.env.PORT), '127.0.0.1');
`,
});

// Python's standard library only: http.server on PORT, with /health (and no /healthz).
const pythonApp = (version: string): Record<string, string> => ({
  'app.py': `import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == '/healthz':
            self.send_error(404)
            return
        body = b'ok' if self.path == '/health' else b'python ${version}'
        self.send_response(200)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

ThreadingHTTPServer(('127.0.0.1', int(os.environ['PORT'])), Handler).serve_forever()
`,
});

const staticSite = (version: string): Record<string, string> => ({
  'index.html': `<!doctype html><link rel="stylesheet" href="style.css"><h1>static ${version}</h1>`,
  'style.css': 'h1 { color: teal }',
});

// A Procfile app: release runs before web at every deployment; worker is left out.
const procfileApp = (version: string): Record<string, string> => ({
  Procfile: 'web: node web.js\nrelease: node release.js\nworker: node worker-that-does-not-exist.js\n',
  'release.js': `require('node:fs').writeFileSync('released.txt', 'released ${version}');\n`,
  'web.js': `const released = require('node:fs').readFileSync('released.txt', 'utf8');
require('node:http').createServer((req, res) => res.end('procfile ${version} ' + released)).listen(Number(process.env.PORT), '127.0.0.1');
`,
});

describe('berth-agent up', () => {
  let storage: ReturnType<typeof makeTempDir>;
  let sources: ReturnType<typeof makeTempDir>;
  let outside: ReturnType<typeof makeTempDir>;
  let agent: BuiltAgent;
  let client: LocalApiClient;
  const slots = async (): Promise<SlotView[]> => (await client.call('state.get')).slots;

  const up = async (folder: string, ...args: string[]): Promise<UpAnswer> => {
    const result = await runBuiltCli(['up', folder, '--storage', storage.path, '--json', ...args]);
    expect(result.code, `${result.stderr}\n--- agent:\n${agent.output()}`).toBe(0);
    return JSON.parse(result.stdout) as UpAnswer;
  };
  const project = (name: string, files: Record<string, string>): string => {
    const folder = join(sources.path, name);
    writeProject(folder, files);
    return folder;
  };

  /** Runs `change` (the second `up`) while a few loopback clients keep requesting `url`; the failed requests. */
  const failuresDuringSwap = async (url: string, expectAfter: string, change: () => Promise<unknown>): Promise<{ failures: string[]; sent: number }> => {
    let stop = false;
    let sent = 0;
    const failures: string[] = [];
    let latest = '';
    const worker = async (): Promise<void> => {
      while (!stop && sent < 5_000) {
        sent += 1;
        try {
          const answer: HttpAnswer = await httpRequest(url);
          if (answer.status !== 200) failures.push(`${answer.status} ${answer.body}`);
          else latest = answer.body;
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    };
    const load = Promise.all(Array.from({ length: 4 }, worker));
    try {
      await change();
      await waitFor(() => latest.includes(expectAfter), `traffic to reach '${expectAfter}'`);
    } finally {
      stop = true;
      await load;
    }
    return { failures, sent };
  };

  beforeAll(async () => {
    ensureAgentBuilt();
    storage = makeTempDir('berth-up-storage-');
    sources = makeTempDir('berth-up-sources-');
    outside = makeTempDir('berth-up-outside-');
    const config = join(storage.path, 'config.json');
    writeFileSync(config, JSON.stringify({ publicHost: '127.0.0.1' }));
    agent = await startBuiltAgent(['--storage', storage.path, '--source-root', sources.path, '--config', config, '--name', 'up-test']);
    client = await connectToAgent(storage.path);
  }, TIMEOUT);

  afterAll(async () => {
    client?.close();
    await agent?.stop();
    storage?.cleanup();
    sources?.cleanup();
    outside?.cleanup();
  }, TIMEOUT);

  it('refuses a folder outside the source roots through the local API, and up adds one only when asked', async () => {
    writeProject(outside.path, staticSite('outside'));
    await expect(client.call('localSlots.propose', { path: outside.path })).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' });
    const refused: CliResult = await runBuiltCli(['up', outside.path, '--storage', storage.path]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not under a configured source root');
    expect(refused.stderr).toContain('run again with --add-source-root');
    const dryRun = await runBuiltCli(['up', outside.path, '--storage', storage.path, '--dry-run', '--add-source-root']);
    expect(dryRun.code).toBe(1);
    expect((await client.call('settings.get')).sourceRoots).toEqual([sources.path]);

    const added = await up(outside.path, '--add-source-root');
    expect((await httpRequest(added.url)).body).toContain('static outside');
    expect((await client.call('settings.get')).sourceRoots).toEqual([sources.path, outside.path]);
  }, TIMEOUT);

  it('asks on a terminal before adding a folder as a source root, and takes no for an answer', async () => {
    const asked = makeTempDir('berth-up-asked-');
    try {
      writeProject(asked.path, staticSite('asked'));
      const answer = async (reply: string): Promise<{ code: number; output: string }> => {
        const terminal = pty.spawn(process.execPath, [BUILT_AGENT, 'up', asked.path, '--storage', storage.path], { cols: 200, rows: 40, env: { PATH: process.env.PATH!, HOME: process.env.HOME! } });
        let output = '';
        terminal.onData((data) => (output += data));
        const exited = new Promise<number>((resolve) => terminal.onExit(({ exitCode }) => resolve(exitCode)));
        await waitFor(() => output.includes('Add it as a source root? [y/N]'), `the question, in:\n${output}`, { timeoutMs: 30_000 });
        terminal.write(`${reply}\r`);
        return { code: await exited, output };
      };
      const declined = await answer('n');
      expect(declined.code).toBe(1);
      expect(declined.output).toContain('run again with --add-source-root');
      expect((await client.call('settings.get')).sourceRoots).not.toContain(asked.path);
      const accepted = await answer('y');
      expect(accepted.code, accepted.output).toBe(0);
      expect(accepted.output).toContain(`added ${asked.path} as a source root`);
      expect((await client.call('settings.get')).sourceRoots).toContain(asked.path);
    } finally {
      asked.cleanup();
    }
  }, TIMEOUT);

  it('prints the template it would use with --dry-run, and creates nothing', async () => {
    const folder = project('dry', procfileApp('v1'));
    const result = await runBuiltCli(['up', '--storage', storage.path, '--dry-run'], folder);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`procfile app in ${folder}`);
    expect(result.stdout).toMatch(/release\s+node release\.js/);
    expect(result.stdout).toMatch(/web\s+node web\.js/);
    expect(result.stdout).toContain('left out (a slot runs one service): worker');
    expect((await slots()).map((slot) => slot.spec.name)).not.toContain('dry');
  }, TIMEOUT);

  it('runs a Node.js app installed from its lockfile, then swaps in a change with no failed request', async () => {
    const folder = project('hello-node', nodeApp('v1'));
    const publicPort = await findFreePort({ range: [43000, 43999] });
    const first = await up(folder, '--port', String(publicPort));
    expect(first.url).toBe(`http://localhost:${publicPort}/`);
    expect(first.slot.spec.template.initial.map((command) => command.arguments)).toEqual(['npm ci']);
    expect(first.healthCheckPath).toBe('/healthz');
    expect((await httpRequest(first.url)).body).toBe('node v1 1m');

    writeProject(folder, nodeApp('v2'));
    let second: UpAnswer | undefined;
    const swap = await failuresDuringSwap(first.url, 'node v2', async () => (second = await up(folder)));
    expect(swap.failures).toEqual([]);
    expect(swap.sent).toBeGreaterThan(10);
    expect(second!.slot.id).toBe(first.slot.id);
    expect(second!.deployment.color).not.toBe(first.deployment.color);
    expect(second!.slot.spec.traffic.healthCheck.path).toBe('/healthz');
  }, TIMEOUT);

  it('runs a Python http.server app, keeping the first health path that answers', async () => {
    const folder = project('hello-python', pythonApp('v1'));
    const first = await up(folder);
    expect(first.slot.spec.traffic.publicPort).toBeGreaterThanOrEqual(8080);
    expect(first.healthCheckPath).toBe('/health');
    expect((await httpRequest(first.url)).body).toBe('python v1');

    writeProject(folder, pythonApp('v2'));
    const swap = await failuresDuringSwap(first.url, 'python v2', () => up(folder));
    expect(swap.failures).toEqual([]);
    expect((await slots()).filter((slot) => slot.source?.kind === 'directory' && slot.source.path === folder)).toHaveLength(1);
  }, TIMEOUT);

  it('serves a static site with the right content types, then swaps in a change with no failed request', async () => {
    const folder = project('site', staticSite('v1'));
    const publicPort = await findFreePort({ range: [43000, 43999] });
    const first = await up(folder, '--port', String(publicPort), '--name', 'brochure');
    expect(first.slot.spec.name).toBe('brochure');
    const page = await httpRequest(first.url);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('static v1');
    expect((await httpRequest(`${first.url}style.css`)).headers['content-type']).toBe('text/css; charset=utf-8');

    writeProject(folder, staticSite('v2'));
    const swap = await failuresDuringSwap(first.url, 'static v2', () => up(folder));
    expect(swap.failures).toEqual([]);
  }, TIMEOUT);

  it('runs a Procfile app with its release step before web at every deployment, then swaps in a change with no failed request', async () => {
    const folder = project('procfile-app', procfileApp('v1'));
    const publicPort = await findFreePort({ range: [43000, 43999] });
    const first = await up(folder, '--port', String(publicPort));
    expect((await httpRequest(first.url)).body).toBe('procfile v1 released v1');

    writeProject(folder, procfileApp('v2'));
    const swap = await failuresDuringSwap(first.url, 'procfile v2', () => up(folder));
    expect(swap.failures).toEqual([]);
    expect((await httpRequest(first.url)).body).toBe('procfile v2 released v2');
  }, TIMEOUT);
});
