/**
 * The slot proxy's cost: requests per second and p50/p99 latency at 32 keep-alive connections,
 * straight to the app, through SlotProxy, and through nginx (the reference proxy, one worker like
 * the proxy's one event loop, keep-alive upstream pool). Then 20 blue-green swaps under load,
 * each drained old color closed and reopened like a stopped process, counting failed requests.
 *
 * Three processes: this one runs the proxy; the upstream app (blue and green) and the load
 * generator each run in their own child process, so none shares the proxy's event loop.
 *
 * Run: npx tsx bench/proxy.bench.ts [seconds per run = 5] [rounds = 3]
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort, SlotProxy, Target } from '../agent-core/traffic';
import { startHttpApp, type HttpApp } from '../test/fixtures/http-app';
import { makeTempDir } from '../test/fixtures/temp-dir';

const CONNECTIONS = 32;
const SWAPS = 20;
const self = fileURLToPath(import.meta.url);

interface LoadRequest {
  url: string;
  connections: number;
  warmupMs: number;
  /** 0: run until told to stop. */
  durationMs: number;
  maxMs: number;
}

interface LoadResult {
  completed: number;
  failed: number;
  failures: Record<string, number>;
  seconds: number;
  p50: number;
  p99: number;
}

// ---- load generator (child process) --------------------------------------------------------

async function generateLoad(job: LoadRequest, stopped: () => boolean): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.connections });
  const { hostname, port, pathname } = new URL(job.url);
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let failed = 0;
  let recording = job.warmupMs === 0;
  let windowStart = performance.now();
  let windowEnd = 0;
  const hardStop = windowStart + job.maxMs;
  const fail = (why: string): void => {
    failed++;
    failures[why] = (failures[why] ?? 0) + 1;
  };
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const start = performance.now();
      const req = request({ hostname, port, path: pathname, agent }, (res) => {
        res.on('data', () => undefined);
        res.once('error', (error: NodeJS.ErrnoException) => (fail(error.code ?? error.message), resolve()));
        res.once('end', () => {
          if (res.statusCode !== 200) fail(`HTTP ${res.statusCode}`);
          else if (recording && windowEnd === 0) latencies.push(performance.now() - start);
          resolve();
        });
      });
      req.once('error', (error: NodeJS.ErrnoException) => (fail(error.code ?? error.message), resolve()));
      req.end();
    });
  const done = (): boolean => windowEnd !== 0 || performance.now() > hardStop || stopped();
  const worker = async (): Promise<void> => {
    while (!done()) await one();
  };
  const timers: NodeJS.Timeout[] = [];
  if (job.warmupMs > 0) {
    timers.push(
      setTimeout(() => {
        recording = true;
        windowStart = performance.now();
      }, job.warmupMs),
    );
  }
  if (job.durationMs > 0) timers.push(setTimeout(() => (windowEnd = performance.now()), job.warmupMs + job.durationMs));
  await Promise.all(Array.from({ length: job.connections }, worker));
  timers.forEach(clearTimeout);
  if (windowEnd === 0) windowEnd = performance.now();
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    completed: latencies.length + failed,
    failed,
    failures,
    seconds: (windowEnd - windowStart) / 1000,
    p50: at(0.5),
    p99: at(0.99),
  };
}

function runLoadGenerator(): void {
  let stop = false;
  process.on('message', (message: { run?: LoadRequest; stop?: true; cpu?: true }) => {
    if (message.cpu) process.send!({ cpuUsage: process.cpuUsage() });
    if (message.stop) stop = true;
    if (message.run) void generateLoad(message.run, () => stop).then((result) => process.send!({ result }));
  });
}

// ---- upstream app (child process) ----------------------------------------------------------

async function runUpstream(): Promise<void> {
  const apps: Record<string, HttpApp> = {
    blue: await startHttpApp({ color: 'blue', version: 'v1' }),
    green: await startHttpApp({ color: 'green', version: 'v2' }),
  };
  process.on('message', async (message: { cycle?: 'blue' | 'green'; cpu?: true }) => {
    if (message.cpu) {
      process.send!({ cpuUsage: process.cpuUsage() });
      return;
    }
    if (!message.cycle) return;
    // A drained color's process goes away: every connection to it is closed, then it comes back on the same port.
    const app = apps[message.cycle]!;
    await app.close();
    apps[message.cycle] = await startHttpApp({ color: app.color, version: app.version, port: app.port });
    process.send!({ cycled: message.cycle });
  });
  process.send!({ ports: { blue: apps.blue!.port, green: apps.green!.port } });
}

// ---- orchestration (this process runs the proxy) -------------------------------------------

function child(role: string): ChildProcess {
  return fork(self, [role], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function reply<T>(process: ChildProcess, key: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: Record<string, T>): void => {
      if (!(key in message)) return;
      process.off('message', listener);
      resolve(message[key]!);
    };
    process.on('message', listener);
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function findNginx(): string | null {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/bin/nginx', '/usr/bin/nginx']) {
    if (existsSync(candidate)) return candidate;
  }
  if (process.getuid?.() === 0 && process.platform === 'linux') {
    console.log('nginx is missing: installing nginx-light with apt-get');
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'nginx-light'], { stdio: 'inherit' });
    return existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : null;
  }
  console.log('nginx is missing, so there is no reference column: install it with `sudo apt-get install -y nginx-light`');
  return null;
}

async function startNginx(binary: string, upstreamPort: number, listenPort: number): Promise<{ stop: () => Promise<void> }> {
  const dir = makeTempDir('berth-nginx-');
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `${name}_temp_path ${join(dir.path, name)};`);
  writeFileSync(
    join(dir.path, 'nginx.conf'),
    `${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
daemon off;
pid ${join(dir.path, 'nginx.pid')};
error_log ${join(dir.path, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  ${temp.join('\n  ')}
  upstream app { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${listenPort};
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
    }
  }
}
`,
  );
  const nginx = spawn(binary, ['-p', dir.path, '-c', join(dir.path, 'nginx.conf')], { stdio: ['ignore', 'inherit', 'inherit'] });
  await waitForPort(listenPort, 10_000);
  return {
    stop: () =>
      new Promise((resolve) => {
        nginx.once('exit', () => (dir.cleanup(), resolve()));
        nginx.kill('SIGQUIT');
      }),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

interface Row {
  rps: number[];
  p50: number[];
  p99: number[];
  failed: number;
  cpuPerRequestUs?: number[];
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  const rounds = Number(process.argv[3] ?? 3);
  const upstream = child('upstream');
  const load = child('load');
  const ports = await reply<{ blue: number; green: number }>(upstream, 'ports');

  const proxy = new SlotProxy({ name: 'bench' });
  const proxyPort = await proxy.listen({ port: 0, host: '127.0.0.1' });
  const blue = new Target({ port: ports.blue, color: 'blue', deploymentId: 'dep_blue' });
  blue.markHealthy();
  proxy.setTarget(blue);

  const nginxBinary = findNginx();
  const nginxPort = await findFreePort({ range: [20_000, 29_999], exclude: [proxyPort, ports.blue, ports.green] });
  const nginx = nginxBinary ? await startNginx(nginxBinary, ports.blue, nginxPort) : null;

  const setups: Array<[string, number]> = [
    ['straight to the app', ports.blue],
    ['through SlotProxy', proxyPort],
  ];
  if (nginx) setups.push(['through nginx (1 worker)', nginxPort]);

  console.log(`Proxy benchmark: GET / ("blue v1\\n") at ${CONNECTIONS} keep-alive connections, ${seconds} s per run after 1 s of warm-up, ${rounds} rounds interleaved, medians shown.`);
  console.log(
    `The load generator and the upstream app run in child processes of their own (child_process.fork), so neither shares the proxy's event loop; ` +
      `but this machine has ${cpus().length} cores, which the generator, the app, the proxy under test (and nginx's worker) all share.`,
  );

  const rows = new Map<string, Row>(setups.map(([name]) => [name, { rps: [], p50: [], p99: [], failed: 0 }]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, port] of setups) {
      const cpuBefore = process.cpuUsage();
      load.send({ run: { url: `http://127.0.0.1:${port}/`, connections: CONNECTIONS, warmupMs: 1000, durationMs: seconds * 1000, maxMs: (seconds + 30) * 1000 } });
      const result = await reply<LoadResult>(load, 'result');
      const cpu = process.cpuUsage(cpuBefore);
      const row = rows.get(name)!;
      row.rps.push((result.completed - result.failed) / result.seconds);
      row.p50.push(result.p50);
      row.p99.push(result.p99);
      row.failed += result.failed;
      if (port === proxyPort) {
        // Over warm-up and run alike, so divide by all requests the proxy saw in that time.
        (row.cpuPerRequestUs ??= []).push((cpu.user + cpu.system) / ((result.completed / result.seconds) * (seconds + 1)));
      }
    }
  }

  console.log('');
  console.log(`${'setup'.padEnd(28)}${'req/s'.padStart(10)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}${'failed'.padStart(9)}`);
  for (const [name, row] of rows) {
    console.log(
      `${name.padEnd(28)}${median(row.rps).toFixed(0).padStart(10)}${median(row.p50).toFixed(2).padStart(10)}${median(row.p99).toFixed(2).padStart(10)}${String(row.failed).padStart(9)}`,
    );
  }
  const through = rows.get('through SlotProxy')!;
  console.log(`SlotProxy CPU per request: ${median(through.cpuPerRequestUs!).toFixed(0)} µs (this process, user + system)`);
  if (nginx) {
    const reference = rows.get('through nginx (1 worker)')!;
    const rpsRatio = median(through.rps) / median(reference.rps);
    const p99Ratio = median(through.p99) / median(reference.p99);
    console.log(`SlotProxy vs nginx: ${rpsRatio.toFixed(2)}× the requests per second (target ≥ 0.8×), p99 ${p99Ratio.toFixed(2)}× nginx's (target ≤ 2×)`);
    await nginx.stop();
  }

  // ---- swaps under load ----
  load.send({ run: { url: `http://127.0.0.1:${proxyPort}/`, connections: CONNECTIONS, warmupMs: 0, durationMs: 0, maxMs: 120_000 } });
  const swapped = reply<LoadResult>(load, 'result');
  let live = blue;
  for (let swap = 1; swap <= SWAPS; swap++) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    const color = live.color === 'blue' ? 'green' : 'blue';
    const next = new Target({ port: ports[color], color, deploymentId: `dep_${swap}` });
    next.markHealthy();
    const old = proxy.setTarget(next)!;
    live = next;
    const drained = await old.drain(30_000);
    if (drained.timedOut) console.log(`swap ${swap}: the drain timed out with ${drained.inFlightAtEnd} in flight`);
    upstream.send({ cycle: old.color });
    await reply(upstream, 'cycled');
  }
  await new Promise((resolve) => setTimeout(resolve, 150));
  load.send({ stop: true });
  const result = await swapped;
  const failures = Object.entries(result.failures).map(([why, count]) => `${why}: ${count}`).join(', ');
  console.log('');
  console.log(
    `${SWAPS} swaps under load (${CONNECTIONS} connections, each drained color's app closed and reopened): ` +
      `${result.failed} failed of ${result.completed} requests${failures ? ` (${failures})` : ''}`,
  );

  live.stop();
  await proxy.close();
  upstream.kill();
  load.kill();
}

const role = process.argv[2];
if (role === 'load') runLoadGenerator();
else if (role === 'upstream') void runUpstream();
else await main();
