/**
 * The slot proxy's cost: requests per second and p50/p99 latency at 32 keep-alive connections,
 * straight to the app, through SlotProxy, and through nginx (the reference proxy, one worker like
 * the proxy's one event loop, keep-alive upstream pool). Then 20 blue-green swaps under load,
 * each drained color's app closed and reopened like a stopped process, counting failed requests.
 *
 * Three processes: this one runs the proxy; the upstream app (blue and green) and the load
 * generator each run in a child process of their own, so neither shares the proxy's event loop.
 * Beside the rates it prints CPU time per request of each process: on a busy machine that is the
 * steadier figure.
 *
 * Run: npx tsx bench/proxy.bench.ts [seconds per run = 5] [rounds = 3]
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort, SlotProxy, Target } from '../agent-core/traffic';
import { startHttpApp, type HttpApp } from '../test/fixtures/http-app';
import { makeTempDir } from '../test/fixtures/temp-dir';

const CONNECTIONS = 32;
const SWAPS = 20;
const WARMUP_MS = 1000;
const self = fileURLToPath(import.meta.url);

interface LoadJob {
  url: string;
  warmupMs: number;
  /** 0: until told to stop. */
  durationMs: number;
  maxMs: number;
}

interface LoadResult {
  /** Requests finished inside the measured window, and failed ones at any time. */
  completed: number;
  failed: number;
  failures: Record<string, number>;
  /** Every request finished, warm-up included: what CPU time is divided by. */
  total: number;
  seconds: number;
  p50: number;
  p99: number;
}

// ---- load generator (child process) --------------------------------------------------------

async function generateLoad(job: LoadJob, stopped: () => boolean): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const { hostname, port, pathname } = new URL(job.url);
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let failed = 0;
  let total = 0;
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
      const finish = (why: string | null): void => {
        total++;
        if (why !== null) fail(why);
        else if (recording && windowEnd === 0) latencies.push(performance.now() - start);
        resolve();
      };
      const req = request({ hostname, port, path: pathname, agent }, (res) => {
        res.on('data', () => undefined);
        res.once('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
        res.once('end', () => finish(res.statusCode === 200 ? null : `HTTP ${res.statusCode}`));
      });
      req.once('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
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
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  timers.forEach(clearTimeout);
  if (windowEnd === 0) windowEnd = performance.now();
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    completed: latencies.length,
    failed,
    failures,
    total,
    seconds: (windowEnd - windowStart) / 1000,
    p50: at(0.5),
    p99: at(0.99),
  };
}

function runLoadGenerator(): void {
  let stop = false;
  process.on('message', (message: { run?: LoadJob; stop?: true; cpu?: true }) => {
    if (message.cpu) process.send!({ cpuUs: cpuUs() });
    if (message.stop) stop = true;
    if (message.run) {
      stop = false;
      void generateLoad(message.run, () => stop).then((result) => process.send!({ result }));
    }
  });
}

// ---- upstream app (child process) ----------------------------------------------------------

async function runUpstream(): Promise<void> {
  const apps: Record<string, HttpApp> = {
    blue: await startHttpApp({ color: 'blue', version: 'v1' }),
    green: await startHttpApp({ color: 'green', version: 'v2' }),
  };
  process.on('message', async (message: { cycle?: 'blue' | 'green'; cpu?: true }) => {
    if (message.cpu) process.send!({ cpuUs: cpuUs() });
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

function cpuUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

function child(role: string): ChildProcess {
  return fork(self, [role], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function reply<T>(from: ChildProcess, key: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: Record<string, T>): void => {
      if (!(key in message)) return;
      from.off('message', listener);
      resolve(message[key]!);
    };
    from.on('message', listener);
  });
}

function childCpuUs(of: ChildProcess): Promise<number> {
  const answer = reply<number>(of, 'cpuUs');
  of.send({ cpu: true });
  return answer;
}

/** CPU time of a process this one did not start with fork (nginx's worker), from /proc; null where there is no /proc. */
function procCpuUs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks / 100) * 1e6;
  } catch {
    return null;
  }
}

function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (Number(fields[1]) === pid) found.push(Number(entry));
    } catch {
      continue;
    }
  }
  return found;
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
  const candidates = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/bin/nginx', '/usr/bin/nginx'];
  const found = (): string | null => candidates.find((candidate) => existsSync(candidate)) ?? null;
  if (found()) return found();
  if (process.platform === 'linux' && process.getuid?.() === 0) {
    console.log('nginx is missing: installing nginx-light with apt-get');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', 'nginx-light'], { stdio: 'inherit', env });
    return found();
  }
  console.log('nginx is missing, so there is no reference row: sudo apt-get update && sudo apt-get install -y nginx-light');
  return null;
}

interface Nginx {
  workerPid: number | null;
  stop(): Promise<void>;
}

async function startNginx(binary: string, upstreamPort: number, listenPort: number): Promise<Nginx> {
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
  const workers = process.platform === 'linux' ? childrenOf(nginx.pid!) : [];
  return {
    workerPid: workers.length === 1 ? workers[0]! : null,
    stop: () =>
      new Promise((resolve) => {
        nginx.once('exit', () => (dir.cleanup(), resolve()));
        nginx.kill('SIGQUIT');
      }),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

interface Setup {
  name: string;
  port: number;
  /** CPU time so far of the proxy under test, or null when there is none (straight to the app). */
  proxyCpuUs: () => number | null;
}

interface Row {
  rps: number[];
  p50: number[];
  p99: number[];
  failed: number;
  proxyCpu: number[];
  appCpu: number[];
  generatorCpu: number[];
}

function fixed(value: number, digits: number, width: number): string {
  return (Number.isFinite(value) ? value.toFixed(digits) : '–').padStart(width);
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

  const setups: Setup[] = [
    { name: 'straight to the app', port: ports.blue, proxyCpuUs: () => null },
    { name: 'through SlotProxy', port: proxyPort, proxyCpuUs: cpuUs },
  ];
  if (nginx) {
    setups.push({ name: 'through nginx (1 worker)', port: nginxPort, proxyCpuUs: () => (nginx.workerPid ? procCpuUs(nginx.workerPid) : null) });
  }

  console.log(
    `Proxy benchmark: GET / ("blue v1\\n", 8 bytes) over ${CONNECTIONS} keep-alive connections; ${seconds} s per run after ${WARMUP_MS / 1000} s of warm-up; ` +
      `${rounds} rounds interleaved, medians shown.`,
  );
  console.log(
    `The load generator (node:http, keep-alive Agent) and the upstream app run in child processes of their own (child_process.fork), ` +
      `so neither shares the proxy's event loop; but this machine has ${cpus().length} cores, shared by the generator, the app, ` +
      `the proxy under test and everything else running (load average now ${loadavg()[0]!.toFixed(1)}).`,
  );

  const rows = new Map<string, Row>(setups.map(({ name }) => [name, { rps: [], p50: [], p99: [], failed: 0, proxyCpu: [], appCpu: [], generatorCpu: [] }]));
  for (let round = 0; round < rounds; round++) {
    for (const setup of setups) {
      const before = { proxy: setup.proxyCpuUs(), app: await childCpuUs(upstream), generator: await childCpuUs(load) };
      load.send({ run: { url: `http://127.0.0.1:${setup.port}/`, warmupMs: WARMUP_MS, durationMs: seconds * 1000, maxMs: (seconds + 30) * 1000 } });
      const result = await reply<LoadResult>(load, 'result');
      const after = { proxy: setup.proxyCpuUs(), app: await childCpuUs(upstream), generator: await childCpuUs(load) };
      const row = rows.get(setup.name)!;
      row.rps.push(result.completed / result.seconds);
      row.p50.push(result.p50);
      row.p99.push(result.p99);
      row.failed += result.failed;
      if (before.proxy !== null && after.proxy !== null) row.proxyCpu.push((after.proxy - before.proxy) / result.total);
      row.appCpu.push((after.app - before.app) / result.total);
      row.generatorCpu.push((after.generator - before.generator) / result.total);
    }
  }

  console.log('');
  console.log(
    `${'setup'.padEnd(26)}${'req/s'.padStart(8)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'failed'.padStart(8)}` +
      `   CPU µs per request: ${'proxy'.padStart(6)}${'app'.padStart(6)}${'generator'.padStart(10)}`,
  );
  for (const [name, row] of rows) {
    console.log(
      `${name.padEnd(26)}${fixed(median(row.rps), 0, 8)}${fixed(median(row.p50), 2, 9)}${fixed(median(row.p99), 2, 9)}${String(row.failed).padStart(8)}` +
        `   ${''.padStart(20)}${fixed(median(row.proxyCpu), 0, 6)}${fixed(median(row.appCpu), 0, 6)}${fixed(median(row.generatorCpu), 0, 10)}`,
    );
  }
  if (nginx) {
    const ours = rows.get('through SlotProxy')!;
    const reference = rows.get('through nginx (1 worker)')!;
    const rpsRatio = median(ours.rps) / median(reference.rps);
    const p99Ratio = median(ours.p99) / median(reference.p99);
    console.log(
      `SlotProxy vs nginx: ${rpsRatio.toFixed(2)}× the requests per second (target ≥ 0.8×: ${rpsRatio >= 0.8 ? 'met' : 'NOT met'}), ` +
        `p99 ${p99Ratio.toFixed(2)}× nginx's (target ≤ 2×: ${p99Ratio <= 2 ? 'met' : 'NOT met'})`,
    );
    await nginx.stop();
  }

  load.send({ run: { url: `http://127.0.0.1:${proxyPort}/`, warmupMs: 0, durationMs: 0, maxMs: 120_000 } });
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
    const cycled = reply(upstream, 'cycled');
    upstream.send({ cycle: old.color });
    await cycled;
  }
  await new Promise((resolve) => setTimeout(resolve, 150));
  load.send({ stop: true });
  const result = await swapped;
  const failures = Object.entries(result.failures).map(([why, count]) => `${why}: ${count}`).join(', ');
  console.log('');
  console.log(
    `${SWAPS} swaps under load (${CONNECTIONS} connections; after each drain the old color's app is closed and reopened): ` +
      `${result.failed} failed of ${result.total} requests${failures ? ` (${failures})` : ''}`,
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
