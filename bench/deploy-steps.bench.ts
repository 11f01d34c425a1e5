// A blue-green redeploy of the sample app step by step, from outside: the `slot.deploy` command
// leaving the control plane → its `result`, through the built-style headless agent, with a new
// commit pushed before each run (git source, health check every 200 ms). Median of 10 after a
// warm-up of both colors. The rows add up to the total; "agent's own" is what is left after git
// and the app's own start (its spawn and the wait until it answers), the figure Berth can shrink.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findFreePort } from '../agent-core/traffic';
import type { FixtureControlPlane } from '../test/fixtures/control-plane';
import { benchGit, median, timingRow, withDeployBench } from './deploy-fixture';

const RUNS = 10;
const STEPS = ['source', 'fetch', 'checkout', 'initial', 'startup', 'health', 'swap', 'ready'] as const;

type Timing = Record<'total' | 'admission' | 'source' | 'git' | 'initial' | 'startup' | 'health' | 'swap' | 'finish' | 'own', number>;

async function deployOnce(plane: FixtureControlPlane, slot: unknown): Promise<Timing> {
  const sent = Date.now();
  const commandId = plane.command('slot.deploy', { slot, source: { kind: 'git', branch: 'main' } });
  const result = await plane.waitForResult(commandId, 120_000);
  if (!result.ok) throw new Error(`deployment failed: ${result.error.message}`);
  const frames = plane.frames.filter((entry) => entry.direction === 'in' && entry.frame.commandId === commandId);
  const at = new Map<string, number>();
  for (const entry of frames) {
    const step = entry.frame.type === 'progress' ? String(entry.frame.step) : String(entry.frame.type);
    if (!at.has(step)) at.set(step, entry.at);
  }
  const done = at.get('result')!;
  // A step that did not happen (no initial commands) takes no time: it starts where the next one does.
  const when = (step: (typeof STEPS)[number]): number => {
    for (let index = STEPS.indexOf(step); index < STEPS.length; index++) {
      const time = at.get(STEPS[index]!);
      if (time !== undefined) return time;
    }
    return done;
  };
  const timing = {
    total: done - sent,
    admission: when('source') - sent,
    source: when('fetch') - when('source') + (when('initial') - when('checkout')),
    git: when('checkout') - when('fetch'),
    initial: when('startup') - when('initial'),
    startup: when('health') - when('startup'),
    health: when('swap') - when('health'),
    swap: when('ready') - when('swap'),
    finish: done - when('ready'),
  };
  return { ...timing, own: timing.total - timing.git - timing.initial - timing.startup - timing.health };
}

/** The sample app on its own: spawn → accepting connections, the floor of the startup and health rows. */
async function appAlone(port: number, cwd: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['server.cjs'], { cwd, env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
  try {
    for (;;) {
      const open = await new Promise<boolean>((resolve) => {
        const socket = connect({ port, host: '127.0.0.1' }, () => (socket.destroy(), resolve(true)));
        socket.once('error', () => resolve(false));
      });
      if (open) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  } finally {
    child.kill();
  }
}

/**
 * The anchor of the git row: plain git doing the same job by hand, one process after another (fetch of
 * one new commit from a file:// origin into a bare store, checkout and clean of a working copy that
 * borrows the store's objects), timed from this process. Median of `runs`.
 */
function plainGit(repo: string, url: string, runs: number): { median: number; versionSpawn: number } {
  const temp = mkdtempSync(join(tmpdir(), 'berth-bench-git-anchor-'));
  const store = join(temp, 'store.git');
  const copy = join(temp, 'copy');
  const run = (cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): number => {
    const started = performance.now();
    const result = spawnSync('git', ['-c', 'gc.auto=0', '-c', 'maintenance.auto=false', ...args], { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
    return performance.now() - started;
  };
  try {
    run(temp, ['init', '--quiet', '--bare', store]);
    run(temp, ['init', '--quiet', copy]);
    writeFileSync(join(copy, '.git', 'objects', 'info', 'alternates'), `${join(store, 'objects')}\n`);
    const times: number[] = [];
    for (let index = 0; index <= runs; index++) {
      writeFileSync(join(repo, 'VERSION'), `anchor-${index}\n`);
      benchGit(repo, ['commit', '--quiet', '--allow-empty', '-am', `anchor-${index}`]);
      const commit = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).stdout.trim();
      const fetch = run(store, ['fetch', '--no-tags', '--no-write-fetch-head', '--quiet', url, '+refs/heads/main:refs/heads/main'], { GIT_DIR: store });
      const checkout = run(copy, ['checkout', '--quiet', '--force', '-B', 'main', commit, '--']);
      const clean = run(copy, ['clean', '--force', '-d', '--quiet']);
      // The first run fetches the whole history; it is the warm-up.
      if (index > 0) times.push(fetch + checkout + clean);
    }
    const versions: number[] = [];
    for (let index = 0; index < 5; index++) versions.push(run(temp, ['--version']));
    return { median: median(times), versionSpawn: median(versions) };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

await withDeployBench('berth-bench-steps-', async ({ plane, repo }) => {
  const publicPort = await findFreePort({ range: [46000, 46999] });
  const slot = {
    id: 'slot_bench_steps',
    name: 'bench-steps',
    workspace: 'bench',
    repository: { url: pathToFileURL(repo).href },
    template: { startup: [{ type: 'node', name: 'web', arguments: "require(require('node:path').resolve('server.cjs'));", service: true }], stopGraceMs: 2_000 },
    traffic: { mode: 'blue-green', publicPort, healthCheck: { path: '/healthz', timeoutMs: 30_000, intervalMs: 200 }, drainTimeoutMs: 2_000 },
  };
  let version = 0;
  const redeploy = async (): Promise<Timing> => {
    version += 1;
    writeFileSync(join(repo, 'VERSION'), `bench-${version}\n`);
    benchGit(repo, ['commit', '--quiet', '--allow-empty', '-am', `bench-${version}`]);
    return deployOnce(plane, slot);
  };
  await redeploy();
  await redeploy();
  const timings: Timing[] = [];
  for (let run = 0; run < RUNS; run++) timings.push(await redeploy());
  const alone = [];
  for (let run = 0; run < 5; run++) alone.push(await appAlone(await findFreePort({ range: [47000, 47999] }), repo));

  const row = (label: string, pick: (timing: Timing) => number): string => timingRow(label, timings.map(pick), 52);
  console.log(`blue-green redeploy of the sample app (git source, new commit each run, health check every 200 ms), median of ${RUNS}:`);
  console.log(row('command → result (total)                  target ≤ 250', (t) => t.total));
  console.log(row('  command → source step (stored, queued)', (t) => t.admission));
  console.log(row('  source: git (fetch, checkout)          target ≤ 60', (t) => t.git));
  const anchor = plainGit(repo, slot.repository.url, 5);
  console.log(`${'    anchor: plain git by hand (fetch, checkout, clean)'.padEnd(52)} median ${anchor.median.toFixed(0).padStart(5)} ms   (git --version: ${anchor.versionSpawn.toFixed(0)} ms)`);
  console.log(row('  source: the rest', (t) => t.source));
  console.log(row('  initial commands', (t) => t.initial));
  console.log(row('  startup (spawning the service)', (t) => t.startup));
  console.log(row('  health wait (until it answers)', (t) => t.health));
  console.log(row('  swap (traffic to the new color)', (t) => t.swap));
  console.log(row('  ready → result', (t) => t.finish));
  console.log(row("agent's own (total − git − app start)     target ≤ 50", (t) => t.own));
  console.log(`${'the sample app alone: spawn → listening'.padEnd(52)} median ${median(alone).toFixed(0).padStart(5)} ms`);

  // Rollback: to the warm color (a swap), beside a rollback with keepWarmMs 0 (the old color starts again).
  const rollbackOnce = async (): Promise<number> => {
    const sent = Date.now();
    const commandId = plane.command('slot.rollback', { slotId: slot.id });
    const result = await plane.waitForResult(commandId, 120_000);
    if (!result.ok) throw new Error(`rollback failed: ${result.error.message}`);
    return plane.frames.find((entry) => entry.direction === 'in' && entry.frame.type === 'result' && entry.frame.commandId === commandId)!.at - sent;
  };
  const warm: number[] = [];
  for (let run = 0; run < RUNS; run++) warm.push(await rollbackOnce());
  Object.assign(slot.traffic, { keepWarmMs: 0 });
  await redeploy();
  await redeploy();
  const cold: number[] = [];
  // Each cold rollback waits for the color it needs to finish draining, as any deployment does.
  for (let run = 0; run < 5; run++) cold.push(await rollbackOnce());
  console.log(timingRow('rollback to the warm color, command → result  target ≤ 50', warm, 52));
  console.log(timingRow('  anchor: rollback with keepWarmMs 0 (starts the old color)', cold, 52));
});
