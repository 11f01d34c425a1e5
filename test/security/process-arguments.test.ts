import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executableFinder } from '../../agent-core/runner';
import { startTestAgent, type TestAgent } from '../fixtures/agent-runtime';
import { sampleSlotSpec, writeSampleApp } from '../fixtures/slot-spec';
import { waitFor } from '../fixtures/wait';
import { localJob } from '../../agent-core/slots';
import { SlotSpec } from '../../agent-core/protocol';

const SECRET = 'ps-visible-s3cr3t-4471';
const hasPython = executableFinder(process.env)(['python3', 'python']) !== null;

/** Every process's command line on this machine (pid → line), as any user can read it. */
function everyCommandLine(): Map<number, string> {
  const lines = new Map<number, string>();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      lines.set(Number(pid), readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '));
    } catch {
      // the process ended between the listing and the read
    }
  }
  return lines;
}

describe.skipIf(process.platform !== 'linux')('secrets and process arguments', () => {
  let agent: TestAgent;
  beforeEach(async () => {
    agent = await startTestAgent();
  });
  afterEach(async () => {
    await agent.close();
  });

  it('ps shows no secret while bash, node and python commands holding one run, and their script files go when they end', async () => {
    const app = writeSampleApp(join(agent.sourceRoot, 'app'), 'v1');
    const spec = sampleSlotSpec({ variables: { Token: SECRET } });
    spec.template.variables = [{ name: 'Token', secret: true }];
    spec.template.startup = [
      { type: 'bash', name: 'watcher', arguments: 'TOKEN="{Token}"\nwhile true; do sleep 1; done', service: true },
      ...(hasPython ? [{ type: 'python' as const, name: 'worker', arguments: 'import time\ntoken = "{Token}"\nwhile True:\n    time.sleep(1)', service: true }] : []),
      { type: 'node', name: 'web', arguments: "const token = '{Token}';\nrequire('./server.cjs');", service: true },
    ];
    const slot = await agent.runtime.slots.define(SlotSpec.parse(spec), 'local');
    await slot.deploy({ source: { kind: 'directory', path: app }, trigger: 'local' }, localJob('test', 'deploy'));
    const services = spec.template.startup.length;
    expect(slot.runningPids.length).toBe(services);

    const scripts = join(agent.storagePath, 'tmp', 'scripts');
    // One listing of every process in which each service already runs its interpreter from its script
    // file (a child shows its parent's command line until its exec); that listing must hold no secret.
    let listing = new Map<number, string>();
    await waitFor(() => {
      listing = everyCommandLine();
      return slot.runningPids.length === services && slot.runningPids.every((pid) => listing.get(pid)?.includes(scripts));
    }, 'a process listing in which every service runs from its script file');
    expect([...listing.values()].filter((line) => line.includes(SECRET))).toEqual([]);

    expect(statSync(scripts).mode & 0o777).toBe(0o700);
    for (const file of readdirSync(scripts)) expect(statSync(join(scripts, file)).mode & 0o777).toBe(0o600);

    await slot.stop(localJob('test', 'stop'));
    expect(readdirSync(scripts)).toEqual([]);
  });
});
