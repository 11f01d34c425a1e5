/**
 * The proxy as it was before traffic metrics, for the bench to compare against: the agent-core of
 * the anchor commit (the last one without per-request counting), taken from git into a temp
 * folder and run with the same bench/slot-proxy-server.ts. Git history is needed; without it the
 * bench says so and leaves the row out.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '../test/fixtures/temp-dir';
import { startSlotProxy, type Contender } from './proxy-contenders';

/**
 * The commit before traffic metrics ("Protocol: … traffic metrics shapes"). BERTH_BENCH_ANCHOR=HEAD
 * runs the same code on both sides: how far apart two identical proxies come out is the noise.
 */
export const METRICS_ANCHOR_COMMIT = process.env.BERTH_BENCH_ANCHOR ?? '96046d5';
export const BASELINE_NAME = 'SlotProxy before metrics';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function startBaselineProxy(upstreamPort: number): Promise<Contender | null> {
  const dir = makeTempDir('berth-proxy-baseline-');
  try {
    const archive = execFileSync('git', ['-C', root, 'archive', METRICS_ANCHOR_COMMIT, 'package.json', 'agent-core', 'bench/slot-proxy-server.ts'], {
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    mkdirSync(dir.path, { recursive: true });
    execFileSync('tar', ['-x', '-C', dir.path], { input: archive });
    symlinkSync(join(root, 'node_modules'), join(dir.path, 'node_modules'), 'dir');
  } catch (error) {
    dir.cleanup();
    console.log(`the proxy before metrics (commit ${METRICS_ANCHOR_COMMIT}) is not in this clone's history, so it has no row: ${(error as Error).message.split('\n')[0]}`);
    return null;
  }
  const contender = await startSlotProxy(upstreamPort, [], join(dir.path, 'bench', 'slot-proxy-server.ts'));
  return {
    ...contender,
    name: BASELINE_NAME,
    stop: async () => {
      await contender.stop();
      dir.cleanup();
    },
  };
}
