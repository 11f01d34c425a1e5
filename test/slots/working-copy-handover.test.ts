import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../agent-core/events';
import { SlotSpec } from '../../agent-core/protocol';
import { processStartTime } from '../../agent-core/runner';
import { localJob, type SlotController } from '../../agent-core/slots';
import { findFreePort } from '../../agent-core/traffic';
import { startTestAgent, type TestAgent } from '../fixtures/agent-runtime';
import { createGitOrigin, type GitOrigin } from '../fixtures/git-origin';
import { sampleSlotSpec } from '../fixtures/slot-spec';
import { makeTempDir } from '../fixtures/temp-dir';

/** What an instance of the slow app wrote as it exited: its version, what VERSION held on disk then, and when. */
interface ExitMark {
  version: string;
  onDisk: string;
  exitedAt: number;
}

// An app that takes a second to exit after Ctrl+C or SIGTERM, and notes (outside the working copy)
// which version its working copy still held at that moment.
function slowExitApp(marksPath: string): string {
  return `const { createServer } = require('node:http');
const { appendFileSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const read = () => readFileSync(join(__dirname, 'VERSION'), 'utf8').trim();
const version = read();
createServer((request, response) => response.end(version)).listen(Number(process.env.PORT), '127.0.0.1');
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  setTimeout(() => {
    appendFileSync(${JSON.stringify(marksPath)}, JSON.stringify({ version, onDisk: read(), exitedAt: Date.now() }) + '\\n');
    process.exit(0);
  }, 1000);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
`;
}

describe('the working copy handover of a redeploy into a warm color', () => {
  let agent: TestAgent;
  let origin: GitOrigin;
  let marks: { path: string; cleanup: () => void };
  let slot: SlotController;
  let v1Pids: number[];
  const steps: (ProgressEvent & { at: number })[] = [];
  const exitMarks = (): ExitMark[] => {
    const file = join(marks.path, 'exits.jsonl');
    return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as ExitMark) : [];
  };
  const deployMain = (version: string) => {
    origin.commit('main', { VERSION: `${version}\n` }, version);
    return slot.deploy({ source: { kind: 'git', branch: 'main' }, trigger: 'local' }, localJob('test', `deploy-${version}`));
  };

  beforeEach(async () => {
    agent = await startTestAgent({ publicHost: '127.0.0.1' });
    marks = makeTempDir('berth-exit-marks-');
    origin = createGitOrigin({ 'app.cjs': slowExitApp(join(marks.path, 'exits.jsonl')), 'VERSION': 'v0\n' });
    const publicPort = await findFreePort({ range: [44000, 44999] });
    const base = sampleSlotSpec();
    const spec = sampleSlotSpec({
      repository: { url: origin.url },
      template: { ...base.template, startup: [{ type: 'bash', name: 'web', arguments: 'exec node app.cjs', service: true }], stopGraceMs: 15_000 },
      traffic: { mode: 'blue-green', publicPort, healthCheck: { path: '/healthz', intervalMs: 100, timeoutMs: 10_000 }, drainTimeoutMs: 2_000 },
    });
    slot = await agent.runtime.slots.define(SlotSpec.parse(spec), 'local');
    // v1 on blue, v2 on green: blue keeps v1 warm, and the next deployment goes into blue.
    await deployMain('v1');
    v1Pids = slot.runningPids;
    await deployMain('v2');
    expect(slot.statusSnapshot.warm).toMatchObject({ color: 'blue' });
    agent.runtime.events.on('progress', (event) => steps.push({ ...event, at: Date.now() }));
  });
  afterEach(async () => {
    steps.length = 0;
    await agent.close();
    origin.cleanup();
    marks.cleanup();
  });

  it('fetches while the warm instance stops, and checks out only after it has exited', async () => {
    const v3 = await deployMain('v3');

    expect(v3).toMatchObject({ status: 'ready', color: 'blue', isProduction: true });
    const [v1Exit] = exitMarks();
    // The old instance still saw its own version on disk when it exited: nothing was checked out before.
    expect(v1Exit).toMatchObject({ version: 'v1', onDisk: 'v1' });
    const at = (step: string) => steps.find((event) => event.deploymentId === v3.id && event.step === step)?.at;
    expect(steps.filter((event) => event.deploymentId === v3.id).map((event) => event.step)).toEqual(expect.arrayContaining(['stop', 'source', 'fetch', 'checkout']));
    expect(at('stop')).toBeLessThanOrEqual(at('source')!);
    expect(at('fetch')).toBeLessThan(v1Exit!.exitedAt);
    expect(at('checkout')).toBeGreaterThanOrEqual(v1Exit!.exitedAt);
    const served = await (await fetch(`http://127.0.0.1:${slot.currentSpec.traffic.publicPort}/`)).text();
    expect(served).toBe('v3');
  });

  it('fails a deployment whose branch is missing with SOURCE_FAILED only once the warm instance has fully stopped', async () => {
    const failing = slot.deploy({ source: { kind: 'git', branch: 'nope' }, trigger: 'local' }, localJob('test', 'deploy-nope'));

    await expect(failing).rejects.toMatchObject({ code: 'SOURCE_FAILED', message: expect.stringContaining("branch 'nope' not found on origin") });
    // Read at once: the old instance wrote its mark a second after the stop began, and is gone.
    const [v1Exit] = exitMarks();
    expect(v1Exit).toMatchObject({ version: 'v1', onDisk: 'v1' });
    const fetchedAt = steps.find((event) => event.step === 'fetch')?.at;
    expect(fetchedAt).toBeLessThan(v1Exit!.exitedAt);
    const stillAlive = await Promise.all(v1Pids.map(async (pid) => (await processStartTime(pid)) !== null));
    expect(v1Pids.length).toBeGreaterThan(0);
    expect(stillAlive).not.toContain(true);
    expect(slot.statusSnapshot).toMatchObject({ liveColor: 'green', warm: null });
  });
});
