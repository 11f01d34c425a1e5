// `npm run demo`: a control plane on loopback, a headless agent connected to it, and a blue-green
// slot deployed twice from a local git repository while requests keep hitting its public port.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FixtureControlPlane, type Frame } from '../test/fixtures/control-plane';
import { launchHeadlessAgent, type HeadlessAgent } from '../test/fixtures/headless-agent';
import { waitFor } from '../test/fixtures/wait';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SAMPLE_APP = join(ROOT, 'test', 'fixtures', 'sample-app');
const API_KEY = 'demo-key';

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function git(cwd: string, args: string[]): string {
  const result = spawnSync('git', ['-c', 'user.name=Berth Demo', '-c', 'user.email=demo@berth.invalid', '-c', 'commit.gpgSign=false', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr || result.error?.message}`);
  return result.stdout.trim();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Traffic {
  ok: number;
  failed: number;
  versions: string[];
  stop(): Promise<void>;
}

function getOnce(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** Four loops of requests to the public port, each waiting for its answer before the next. */
function startTraffic(port: number): Traffic {
  let running = true;
  const traffic: Traffic = { ok: 0, failed: 0, versions: [], stop: async () => undefined };
  const loop = async (): Promise<void> => {
    while (running) {
      try {
        const answer = await getOnce(port);
        if (answer.status !== 200) throw new Error(`HTTP ${answer.status}`);
        traffic.ok += 1;
        const { version } = JSON.parse(answer.body) as { version: string };
        if (traffic.versions.at(-1) !== version) traffic.versions.push(version);
      } catch {
        traffic.failed += 1;
      }
    }
  };
  const loops = Array.from({ length: 4 }, loop);
  traffic.stop = async () => {
    running = false;
    await Promise.all(loops);
  };
  return traffic;
}

async function deploy(plane: FixtureControlPlane, slot: unknown, label: string): Promise<Frame> {
  const commandId = plane.command('slot.deploy', { slot, source: { kind: 'git', branch: 'main' }, note: label });
  let shown = 0;
  const result = await waitFor(
    () => {
      const progress = plane.messagesFor(commandId).filter((message) => message.type === 'progress');
      for (const step of progress.slice(shown)) say(`    ${step.step}: ${step.message}`);
      shown = progress.length;
      return plane.result(commandId);
    },
    `the result of deploying ${label}`,
    { timeoutMs: 120_000, intervalMs: 50 },
  );
  if (!result.ok) throw new Error(`deploying ${label} failed: ${result.error.code}: ${result.error.message}`);
  return result;
}

async function main(): Promise<number> {
  const temp = mkdtempSync(join(tmpdir(), 'berth-demo-'));
  const storage = join(temp, 'storage');
  const repo = join(temp, 'sample-app');
  let agent: HeadlessAgent | null = null;
  let plane: FixtureControlPlane | null = null;
  try {
    say('1. a local git repository holding the sample app (v1)');
    cpSync(SAMPLE_APP, repo, { recursive: true });
    writeFileSync(join(repo, 'VERSION'), 'v1\n');
    git(repo, ['init', '--quiet']);
    git(repo, ['add', '--all']);
    git(repo, ['commit', '--quiet', '-m', 'sample app v1']);

    plane = await FixtureControlPlane.start({ apiKeys: [API_KEY], hostId: 'host_demo' });
    say(`2. a control plane on ${plane.url}`);

    agent = launchHeadlessAgent(['run', '--storage', storage, '--server', plane.url, '--name', 'demo-host'], { env: { BERTH_API_KEY: API_KEY }, keyringDir: join(temp, 'keyring') });
    if (agent.note) say(`   (${agent.note})`);
    await plane.waitForSession(0, 60_000);
    say('3. a headless agent connected to it (hello, welcome)');

    const publicPort = await freePort();
    const slot = {
      id: 'slot_demo',
      name: 'demo',
      workspace: 'acme-web',
      url: `http://127.0.0.1:${publicPort}`,
      repository: { url: pathToFileURL(repo).href },
      template: {
        startup: [{ type: 'node', name: 'web', arguments: "require(require('node:path').resolve('server.cjs'));", service: true }],
        stopGraceMs: 2_000,
      },
      traffic: { mode: 'blue-green', publicPort, healthCheck: { path: '/healthz', timeoutMs: 30_000, intervalMs: 100 }, drainTimeoutMs: 2_000 },
    };

    say('4. slot.deploy v1 into a blue-green slot');
    const first = await deploy(plane, slot, 'v1');
    say(`   slot URL: http://127.0.0.1:${publicPort}  deployed ${first.data.source.commit.slice(0, 12)} on ${first.data.color}`);

    writeFileSync(join(repo, 'VERSION'), 'v2\n');
    git(repo, ['commit', '--quiet', '-am', 'sample app v2']);
    say('5. slot.deploy v2 while four loops of requests hit the public port');
    const traffic = startTraffic(publicPort);
    await waitFor(() => traffic.ok > 20, 'traffic to flow');
    const second = await deploy(plane, slot, 'v2');
    const afterSwap = traffic.ok;
    await waitFor(() => traffic.ok > afterSwap + 50, 'traffic after the swap', { timeoutMs: 30_000 });
    await traffic.stop();

    say('');
    say(`slot URL:        http://127.0.0.1:${publicPort}`);
    say(`deployed:        ${second.data.source.commit} on ${second.data.color} (before: ${first.data.source.commit.slice(0, 12)} on ${first.data.color})`);
    say(`served versions: ${traffic.versions.join(' → ')}`);
    say(`requests:        ${traffic.ok + traffic.failed}, failed during the swap: ${traffic.failed}`);
    return traffic.failed === 0 ? 0 : 1;
  } catch (error) {
    process.stderr.write(`demo failed: ${(error as Error).message}\n--- agent output ---\n${agent?.output() ?? ''}\n`);
    return 1;
  } finally {
    await agent?.stop();
    await plane?.stop();
    rmSync(temp, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));
