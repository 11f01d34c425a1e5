/**
 * The slot proxy's cost, measured with wrk (1 thread, 32 keep-alive connections) against the same
 * small upstream app: straight to the app, through Berth's SlotProxy (a process of its own),
 * through nginx (1 worker, keep-alive upstream pool) and through Go's httputil.ReverseProxy
 * (GOMAXPROCS=1), interleaved round by round so each ratio compares runs made back to back. Then
 * 20 blue-green swaps under load (a Node client here, as it tells failures apart), each drained
 * color's app closed and reopened like a stopped process, counting failed requests.
 *
 * Beside the rates it prints each proxy's CPU time per request (from /proc): on a busy machine
 * that is the steadier figure.
 *
 * Run: npx tsx bench/proxy.bench.ts [seconds per run = 2] [rounds = 5]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { findFreePort, SlotProxy, Target } from '../agent-core/traffic';
import { startHttpApp, type HttpApp } from '../test/fixtures/http-app';
import { BASELINE_NAME, METRICS_ANCHOR_COMMIT, startBaselineProxy } from './metrics-baseline';
import {
  findBinary,
  procCpuUs,
  runWrk,
  startGoProxy,
  startNginx,
  startSlotProxy,
  type Contender,
} from './proxy-contenders';

const CONNECTIONS = 32;
const SWAPS = 20;
// Long enough for V8 to have optimized SlotProxy's hot paths: in a profile after 1 s, a seventh of
// its CPU time was still the JIT compiling (nginx and Go are compiled ahead of time), which a
// long-running agent does not pay.
const WARMUP_SECONDS = 3;
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
  process.on('message', (message: { run?: LoadJob; stop?: true }) => {
    if (message.stop) stop = true;
    if (message.run) {
      stop = false;
      void generateLoad(message.run, () => stop).then((result) => process.send!({ result }));
    }
  });
  // The swaps must start once load flows, not while this process is still starting.
  process.send!({ ready: true });
}

// ---- upstream app (child process) ----------------------------------------------------------

async function runUpstream(): Promise<void> {
  const apps: Record<string, HttpApp> = {
    blue: await startHttpApp({ color: 'blue', version: 'v1' }),
    green: await startHttpApp({ color: 'green', version: 'v2' }),
  };
  process.on('message', async (message: { cycle?: 'blue' | 'green' }) => {
    if (!message.cycle) return;
    // A drained color's process goes away: every connection to it is closed, then it comes back on the same port.
    const app = apps[message.cycle]!;
    await app.close();
    apps[message.cycle] = await startHttpApp({ color: app.color, version: app.version, port: app.port });
    process.send!({ cycled: message.cycle });
  });
  process.send!({ ports: { blue: apps.blue!.port, green: apps.green!.port } });
}

// ---- orchestration -------------------------------------------------------------------------

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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function fixed(value: number, digits: number, width: number): string {
  return (Number.isFinite(value) ? value.toFixed(digits) : '–').padStart(width);
}

interface Row {
  rps: number[];
  p50: number[];
  p99: number[];
  errors: number;
  cpuPerRequest: number[];
}

function missing(what: string, install: string): null {
  console.log(`${what} is missing, so it has no row: sudo apt-get install -y ${install} (npm run bench installs it when it may)`);
  return null;
}

async function startContenders(appPort: number, exclude: number[]): Promise<Contender[]> {
  const contenders: Contender[] = [{ name: 'straight to the app', port: appPort, pid: null, stop: async () => undefined }];
  contenders.push(await startSlotProxy(appPort));
  const before = await startBaselineProxy(appPort);
  if (before) contenders.push(before);
  const free = async (): Promise<number> => {
    const port = await findFreePort({ range: [20_000, 29_999], exclude });
    exclude.push(port);
    return port;
  };
  const nginx = findBinary(['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/bin/nginx', '/usr/bin/nginx']) ?? missing('nginx', 'nginx-light');
  if (nginx) contenders.push(await startNginx(nginx, appPort, await free()));
  const go = findBinary(['/usr/bin/go', '/usr/local/go/bin/go', '/usr/lib/go/bin/go']) ?? missing('go', 'golang-go');
  if (go) contenders.push(await startGoProxy(go, appPort, await free()));
  return contenders;
}

function ratioLine(rows: Map<string, Row>, reference: string, rpsTarget: number, p99Target: number | null): void {
  const ours = rows.get('Berth SlotProxy')!;
  const other = rows.get(reference);
  if (!other) return;
  const rps = median(ours.rps) / median(other.rps);
  const p99 = median(ours.p99) / median(other.p99);
  const cpu = median(ours.cpuPerRequest) / median(other.cpuPerRequest);
  const p99Text = p99Target === null ? '' : ` (target ≤ ${p99Target}×: ${p99 <= p99Target ? 'met' : 'NOT met'})`;
  console.log(
    `Berth/${reference}: ${rps.toFixed(2)}× the requests per second (target ≥ ${rpsTarget}×: ${rps >= rpsTarget ? 'met' : 'NOT met'}), ` +
      `p99 ${p99.toFixed(2)}×${p99Text}, ${cpu.toFixed(2)}× the CPU time per request`,
  );
}

/** What counting costs: Berth now beside its anchor, the same proxy before traffic metrics. */
function metricsCostLine(rows: Map<string, Row>): void {
  const ours = rows.get('Berth SlotProxy')!;
  const before = rows.get(BASELINE_NAME);
  if (!before) return;
  const rps = median(ours.rps) / median(before.rps);
  const cpu = median(ours.cpuPerRequest) / median(before.cpuPerRequest);
  const drop = (1 - rps) * 100;
  console.log(
    `Metrics on: ${fixed(median(ours.rps), 0, 0)} req/s beside ${fixed(median(before.rps), 0, 0)} req/s before metrics (commit ${METRICS_ANCHOR_COMMIT}): ` +
      `${drop >= 0 ? `${drop.toFixed(1)} % fewer` : `${(-drop).toFixed(1)} % more`} requests per second (target: at most 5 % fewer: ${drop <= 5 ? 'met' : 'NOT met'}), ` +
      `${cpu.toFixed(2)}× the CPU time per request (the steadier figure on a loaded machine; target ≤ 1.05×: ${cpu <= 1.05 ? 'met' : 'NOT met'})`,
  );
}

async function measureThroughput(appPort: number, exclude: number[], seconds: number, rounds: number): Promise<void> {
  const wrk = findBinary(['/usr/bin/wrk', '/usr/local/bin/wrk']);
  if (!wrk) {
    missing('wrk', 'wrk');
    return;
  }
  const contenders = await startContenders(appPort, exclude);
  console.log(
    `Proxy throughput: wrk -t1 -c${CONNECTIONS} GET / ("blue v1\n", 8 bytes); ${seconds} s per run after a ${WARMUP_SECONDS} s warm-up each; ` +
      `${rounds} rounds interleaved, medians shown. ${cpus().length} cores shared by wrk, the app, the proxy and everything else ` +
      `(load average now ${loadavg()[0]!.toFixed(1)}): ratios of runs made back to back are the figures to read.`,
  );
  try {
    for (const contender of contenders) runWrk(wrk, contender.port, CONNECTIONS, WARMUP_SECONDS);
    const rows = new Map<string, Row>(contenders.map(({ name }) => [name, { rps: [], p50: [], p99: [], errors: 0, cpuPerRequest: [] }]));
    for (let round = 0; round < rounds; round++) {
      // Each round starts one contender further on, so none always runs right after the same other.
      const order = contenders.map((_, index) => contenders[(index + round) % contenders.length]!);
      for (const contender of order) {
        const before = contender.pid === null ? null : procCpuUs(contender.pid);
        const result = runWrk(wrk, contender.port, CONNECTIONS, seconds);
        const after = contender.pid === null ? null : procCpuUs(contender.pid);
        const row = rows.get(contender.name)!;
        row.rps.push(result.rps);
        row.p50.push(result.p50Ms);
        row.p99.push(result.p99Ms);
        row.errors += result.errors;
        if (before !== null && after !== null) row.cpuPerRequest.push((after - before) / result.requests);
      }
    }
    console.log('');
    console.log(`${'setup'.padEnd(24)}${'req/s'.padStart(8)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'errors'.padStart(8)}   proxy CPU µs/request`);
    for (const [name, row] of rows) {
      console.log(
        `${name.padEnd(24)}${fixed(median(row.rps), 0, 8)}${fixed(median(row.p50), 2, 9)}${fixed(median(row.p99), 2, 9)}` +
          `${String(row.errors).padStart(8)}   ${fixed(median(row.cpuPerRequest), 1, 6)}`,
      );
    }
    metricsCostLine(rows);
    ratioLine(rows, 'nginx (1 worker)', 0.6, 2);
    ratioLine(rows, 'Go httputil (1 core)', 1.5, null);
  } finally {
    for (const contender of contenders) await contender.stop();
  }
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 2);
  const rounds = Number(process.argv[3] ?? 5);
  const upstream = child('upstream');
  const ports = await reply<{ blue: number; green: number }>(upstream, 'ports');
  await measureThroughput(ports.blue, [ports.blue, ports.green], seconds, rounds);

  const load = child('load');
  await reply(load, 'ready');
  const proxy = new SlotProxy({ name: 'bench' });
  const proxyPort = await proxy.listen({ port: 0, host: '127.0.0.1' });
  const blue = new Target({ port: ports.blue, color: 'blue', deploymentId: 'dep_blue' });
  blue.markHealthy();
  proxy.setTarget(blue);

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
