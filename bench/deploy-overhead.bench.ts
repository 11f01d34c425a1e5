// The agent's own share of a deployment: from the `slot.deploy` command leaving the control plane to
// its `result` arriving, minus the time the template's commands and health check take (from the
// `startup` step to the `ready` step). Median of 20 deployments of a trivial app, after one warm-up.
import { pathToFileURL } from 'node:url';
import type { FixtureControlPlane } from '../test/fixtures/control-plane';
import { timingRow, withDeployBench } from './deploy-fixture';

const RUNS = 20;

interface Timing {
  total: number;
  template: number;
  overhead: number;
  /** Command sent → the deployment's first step: the spec stored (keychain), the job queued. */
  admission: number;
  /** Stopping the running version, in single mode. */
  stop: number;
  /** Fetch and checkout. */
  source: number;
  /** The `ready` step → the result. */
  finish: number;
}

/** When the control plane received the first frame that matches. */
function arrival(plane: FixtureControlPlane, match: (frame: Record<string, unknown>) => boolean): number {
  const entry = plane.frames.find((recorded) => recorded.direction === 'in' && match(recorded.frame));
  if (!entry) throw new Error('a frame the bench waits for never arrived');
  return entry.at;
}

async function deployOnce(plane: FixtureControlPlane, slot: unknown): Promise<Timing> {
  const sent = Date.now();
  const commandId = plane.command('slot.deploy', { slot, source: { kind: 'git', branch: 'main' } });
  const result = await plane.waitForResult(commandId, 120_000);
  if (!result.ok) throw new Error(`deployment failed: ${result.error.message}`);
  const ofCommand = (step: string) => (frame: Record<string, unknown>) => frame.commandId === commandId && frame.type === 'progress' && frame.step === step;
  const first = arrival(plane, (frame) => frame.commandId === commandId && frame.type === 'progress');
  const source = arrival(plane, ofCommand('source'));
  const startup = arrival(plane, ofCommand('startup'));
  const ready = arrival(plane, ofCommand('ready'));
  const done = arrival(plane, (frame) => frame.commandId === commandId && frame.type === 'result');
  return {
    total: done - sent,
    template: ready - startup,
    overhead: done - sent - (ready - startup),
    admission: first - sent,
    stop: source - first,
    source: startup - source,
    finish: done - ready,
  };
}

await withDeployBench('berth-bench-deploy-', async ({ plane, repo }) => {
  const slot = {
    id: 'slot_bench',
    name: 'bench',
    workspace: 'bench',
    repository: { url: pathToFileURL(repo).href },
    template: { startup: [{ type: 'node', name: 'web', arguments: "require(require('node:path').resolve('server.cjs'));", service: true }], stopGraceMs: 2_000 },
    traffic: { mode: 'single', healthCheck: { path: '/healthz', timeoutMs: 30_000, intervalMs: 50 } },
  };
  await deployOnce(plane, slot);
  const timings: Timing[] = [];
  for (let run = 0; run < RUNS; run++) timings.push(await deployOnce(plane, slot));
  const row = (label: string, pick: (timing: Timing) => number): string => timingRow(label, timings.map(pick), 44);
  console.log(`slot.deploy of a trivial app (single mode, git source, health check), ${RUNS} runs after a warm-up:`);
  console.log(row('command → result (total)', (timing) => timing.total));
  console.log(row("template's commands and health check", (timing) => timing.template));
  console.log(row('agent overhead (total minus template)', (timing) => timing.overhead));
  console.log(row('  command → first step (spec stored, queued)', (timing) => timing.admission));
  console.log(row('  stopping the running version', (timing) => timing.stop));
  console.log(row('  source (fetch, checkout)', (timing) => timing.source));
  console.log(row('  ready step → result', (timing) => timing.finish));
});
