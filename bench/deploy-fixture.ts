// What the deploy benches share: a git repository of the sample app, a fixture control plane and a
// headless agent connected to it, all in a temp folder removed afterwards.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FixtureControlPlane } from '../test/fixtures/control-plane';
import { launchHeadlessAgent, type HeadlessAgent } from '../test/fixtures/headless-agent';

const SAMPLE_APP = fileURLToPath(new URL('../test/fixtures/sample-app', import.meta.url));

export function benchGit(cwd: string, args: string[]): void {
  const result = spawnSync('git', ['-c', 'user.name=Bench', '-c', 'user.email=bench@berth.invalid', '-c', 'commit.gpgSign=false', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** One printed row of a deploy bench: a label padded to `width`, then the median, min and max in ms. */
export function timingRow(label: string, values: number[], width: number): string {
  const ms = (value: number): string => value.toFixed(0).padStart(5);
  return `${label.padEnd(width)} median ${ms(median(values))} ms   min ${ms(Math.min(...values))}   max ${ms(Math.max(...values))}`;
}

/** Runs `bench` with the sample app committed in `repo` and an agent connected to `plane`. */
export async function withDeployBench(prefix: string, bench: (context: { plane: FixtureControlPlane; repo: string; agent: HeadlessAgent }) => Promise<void>): Promise<void> {
  const temp = mkdtempSync(join(tmpdir(), prefix));
  const repo = join(temp, 'app');
  cpSync(SAMPLE_APP, repo, { recursive: true });
  benchGit(repo, ['init', '--quiet']);
  benchGit(repo, ['add', '--all']);
  benchGit(repo, ['commit', '--quiet', '-m', 'trivial app']);
  const plane = await FixtureControlPlane.start({ apiKeys: ['bench-key'] });
  let agent: HeadlessAgent | null = null;
  try {
    agent = launchHeadlessAgent(['run', '--storage', join(temp, 'storage'), '--server', plane.url, '--name', 'bench'], { env: { BERTH_API_KEY: 'bench-key' }, keyringDir: join(temp, 'keyring') });
    await plane.waitForSession(0, 60_000);
    await bench({ plane, repo, agent });
  } finally {
    await agent?.stop();
    await plane.stop();
    rmSync(temp, { recursive: true, force: true });
  }
}
