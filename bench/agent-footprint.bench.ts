// The built headless agent's memory and a burst of deployments, from outside: `out/main/berth-agent.js
// run` connected to a fixture control plane over the real wire. (1) Its resident memory (VmRSS of the
// agent process alone, not its slots' processes) once one blue-green slot of the sample app is live
// and the agent has settled, beside what an idle Node process costs. (2) 20 `slot.deploy` commands
// sent together, each a blue-green slot on its own public port with keepWarmMs 0: first command sent
// → 20th result, and the agent's peak RSS sampled every 50 ms meanwhile. Each figure is the median of
// ROUNDS rounds, each with a fresh agent. `npx tsx bench/agent-footprint.bench.ts [rounds = 3]`.
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { findFreePort } from '../agent-core/traffic';
import type { FixtureControlPlane } from '../test/fixtures/control-plane';
import { median, withDeployBench } from './deploy-fixture';
import { agentPid, cpuMsOf, rssOf, RssSampler } from './process-memory';

const ROUNDS = Number(process.argv[2] ?? 3);
const BURST = 20;
const SETTLE_MS = 5_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function blueGreenSlot(index: number, repo: string, publicPort: number): unknown {
  return {
    id: `slot_footprint_${index}`,
    name: `footprint-${index}`,
    workspace: 'bench',
    repository: { url: pathToFileURL(repo).href },
    template: { startup: [{ type: 'node', name: 'web', arguments: "require(require('node:path').resolve('server.cjs'));", service: true }], stopGraceMs: 2_000 },
    traffic: { mode: 'blue-green', publicPort, healthCheck: { path: '/healthz', timeoutMs: 60_000, intervalMs: 200 }, drainTimeoutMs: 2_000, keepWarmMs: 0 },
  };
}

function deploy(plane: FixtureControlPlane, slot: unknown): string {
  return plane.command('slot.deploy', { slot, source: { kind: 'git', branch: 'main' } });
}

// Below Linux's ephemeral ports (32768–60999): during the burst the agent's health checks and git
// open many loopback connections, and one of them could take a public port picked in that range.
async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await findFreePort({ range: [31000, 31999] });
    if (!ports.includes(port)) ports.push(port);
  }
  return ports;
}

/** What Node alone costs: `node -e "setInterval(()=>{},1000)"`, settled. */
async function idleNodeRss(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(()=>{},1000)'], { stdio: 'ignore' });
  try {
    await sleep(1_500);
    return rssOf(child.pid!);
  } finally {
    child.kill();
  }
}

const STEPS = ['source', 'fetch', 'checkout', 'startup', 'health', 'swap', 'ready', 'result'] as const;

interface Round {
  idle: number;
  node: number;
  burstMs: number;
  burstOk: number;
  burstPeak: number;
  afterBurst: number;
  /** The agent's own CPU time during the burst. */
  burstCpuMs: number;
  /** Per step, the median over the burst's deployments of the time from that step to the next. */
  steps: Record<string, number>;
}

/** When each deployment reached each step (its first progress frame of that step, or its result), ms after `sent`. */
function stepTimes(plane: FixtureControlPlane, commandId: string, sent: number): Map<string, number> {
  const at = new Map<string, number>();
  for (const entry of plane.frames) {
    if (entry.direction !== 'in' || entry.frame.commandId !== commandId) continue;
    const step = entry.frame.type === 'progress' ? String(entry.frame.step) : String(entry.frame.type);
    if (!at.has(step)) at.set(step, entry.at - sent);
  }
  return at;
}

function stepMedians(plane: FixtureControlPlane, ids: string[], sent: number): Record<string, number> {
  const times = ids.map((id) => stepTimes(plane, id, sent));
  const steps: Record<string, number> = { 'command → source': median(times.map((at) => at.get('source') ?? 0)) };
  for (let index = 0; index < STEPS.length - 1; index++) {
    const [from, to] = [STEPS[index]!, STEPS[index + 1]!];
    const spans = times.filter((at) => at.has(from) && at.has(to)).map((at) => at.get(to)! - at.get(from)!);
    if (spans.length > 0) steps[`${from} → ${to}`] = median(spans);
  }
  return steps;
}

async function round(): Promise<Round> {
  let figures: Round | null = null;
  await withDeployBench('berth-bench-footprint-', async ({ plane, repo, agent }) => {
    const pid = agentPid(agent.child.pid!);
    const [firstPort, ...ports] = await freePorts(BURST + 1);
    const first = await plane.waitForResult(deploy(plane, blueGreenSlot(0, repo, firstPort!)), 120_000);
    if (!first.ok) throw new Error(`the first deployment failed: ${first.error.message}`);
    await sleep(SETTLE_MS);
    const idle = rssOf(pid);
    const node = await idleNodeRss();

    const sampler = new RssSampler(pid, 50);
    const cpuBefore = cpuMsOf(pid);
    const sent = Date.now();
    const ids = ports.map((port, index) => deploy(plane, blueGreenSlot(index + 1, repo, port)));
    const results = await Promise.all(ids.map((id) => plane.waitForResult(id, 300_000)));
    const last = Math.max(...ids.map((id) => plane.frames.find((entry) => entry.direction === 'in' && entry.frame.type === 'result' && entry.frame.commandId === id)!.at));
    const burstPeak = sampler.stop();
    const burstCpuMs = cpuMsOf(pid) - cpuBefore;
    await sleep(SETTLE_MS);
    const burstOk = results.filter((result) => result.ok).length;
    figures = { idle, node, burstMs: last - sent, burstOk, burstPeak, afterBurst: rssOf(pid), burstCpuMs, steps: stepMedians(plane, ids, sent) };
    for (const result of results) if (!result.ok) console.log(`  a burst deployment failed: ${result.error.message}`);
  });
  return figures!;
}

const rounds: Round[] = [];
for (let index = 0; index < ROUNDS; index++) {
  const figures = await round();
  rounds.push(figures);
  console.log(
    `round ${index + 1}: idle agent ${mb(figures.idle)}, idle node ${mb(figures.node)}; ${BURST} slots: ${figures.burstOk}/${BURST} in ${(figures.burstMs / 1000).toFixed(1)} s, ` +
      `agent CPU ${(figures.burstCpuMs / 1000).toFixed(2)} s, peak ${mb(figures.burstPeak)}, after ${mb(figures.afterBurst)}`,
  );
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const pick = (field: Exclude<keyof Round, 'steps'>): number => median(rounds.map((figures) => figures[field]));
const row = (label: string, value: string, note = ''): string => `${label.padEnd(60)} ${value.padStart(9)}   ${note}`;
console.log(`\nthe built agent (out/main/berth-agent.js run), medians of ${ROUNDS} rounds, each with a fresh agent:`);
console.log(row('idle agent RSS, one blue-green slot live, settled', mb(pick('idle')), 'target ≤ 70 MB'));
console.log(row('  anchor: idle node -e "setInterval(()=>{},1000)"', mb(pick('node'))));
console.log(row("  the agent's own (idle agent − idle node)", mb(pick('idle') - pick('node'))));
console.log(row(`${BURST} blue-green slots deployed at once, first sent → last result`, `${(pick('burstMs') / 1000).toFixed(2)} s`, `target ≤ 4 s, all ready (${rounds.map((figures) => `${figures.burstOk}/${BURST}`).join(', ')})`));
console.log(row("  the agent's own CPU time during it", `${(pick('burstCpuMs') / 1000).toFixed(2)} s`));
for (const step of Object.keys(rounds[0]!.steps)) {
  console.log(row(`    per deployment, median: ${step}`, `${(median(rounds.map((figures) => figures.steps[step] ?? 0)) / 1000).toFixed(2)} s`));
}
console.log(row('  agent peak RSS during the burst (sampled every 50 ms)', mb(pick('burstPeak')), 'target ≤ 150 MB'));
console.log(row(`  agent RSS ${SETTLE_MS / 1000} s after the burst, ${BURST + 1} slots live`, mb(pick('afterBurst'))));
