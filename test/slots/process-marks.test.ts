import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processStartTime } from '../../agent-core/runner';
import type { SlotSpecInput } from '../../agent-core/protocol';
import type { AgentProcess } from '../fixtures/agent-process';
import { gitSampleSlot, sampleAppOrigin, startConnectedAgent, stopAgent } from '../fixtures/connected-agent';
import { FixtureControlPlane } from '../fixtures/control-plane';
import type { GitOrigin } from '../fixtures/git-origin';
import { makeTempDir } from '../fixtures/temp-dir';
import { waitFor } from '../fixtures/wait';

// Unique to this run, so the daemon is found by its command line among everything else running.
const SECONDS = 30_200 + (process.pid % 97);
const TASK_SECONDS = SECONDS + 100;

/** Running processes (no zombies) whose command line holds `text`, or whose environment holds `text`. */
function processesWith(where: 'cmdline' | 'environ', text: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/${where}`, 'latin1').split('\0').join(' ').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

const sleeping = (seconds: number) => () =>
  processesWith('cmdline', `sleep ${seconds}`).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'latin1') === `sleep\0${seconds}\0`);
/** The daemon the service leaves, and the one a startup task leaves (as `pg_ctl start` would). */
const daemons = sleeping(SECONDS);
const taskDaemons = sleeping(TASK_SECONDS);

function markOf(pid: number): string {
  const entry = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').find((item) => item.startsWith('BERTH_PROCESS_MARK='));
  return entry!.slice('BERTH_PROCESS_MARK='.length);
}

// Drives the built agent (out/main/berth-agent.js, rebuilt when stale) over the control-plane protocol.
describe.runIf(process.platform === 'linux')('no process of a slot outlives it', () => {
  let plane: FixtureControlPlane;
  let storage: ReturnType<typeof makeTempDir>;
  let origin: GitOrigin;
  let agent: AgentProcess;
  let slot: SlotSpecInput;
  const leftovers: number[] = [];
  let session = 0;

  beforeAll(async () => {
    plane = await FixtureControlPlane.start({ workspaceAllowlist: ['acme-web'] });
    storage = makeTempDir('berth-marks-');
    origin = sampleAppOrigin('v1');
    slot = gitSampleSlot(origin, { id: 'slot_marks', name: 'qa-marks' });
    // A service that leaves a double-forked daemon behind: re-parented to init, out of any tree.
    slot.template.startup = [
      // The task waits until its daemon has its own session, so the task's closing terminal is not what ends it.
      { type: 'bash', name: 'db', arguments: `rm -f db-started; (setsid sh -c 'touch db-started; exec sleep ${TASK_SECONDS}' &); until [ -e db-started ]; do sleep 0.05; done` },
      { type: 'bash', name: 'web', arguments: `(setsid sleep ${SECONDS} &); exec node server.cjs`, service: true },
    ];
    agent = startConnectedAgent(plane, storage.path);
    session = await plane.waitForSession();
  }, 240_000);

  afterAll(async () => {
    if (agent) await stopAgent(agent);
    for (const pid of [...leftovers, ...daemons(), ...taskDaemons()]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone, as it should be
      }
    }
    await plane?.stop();
    origin?.cleanup();
    storage?.cleanup();
  });

  async function deployAndFindDaemon(): Promise<{ pid: number; mark: string }> {
    const commandId = plane.command('slot.deploy', { slot, source: { kind: 'git', branch: 'main' } });
    const result = await plane.waitForResult(commandId);
    expect(result.ok, plane.describeCommand(commandId) + agent.output()).toBe(true);
    const pid = await waitFor(() => daemons()[0], `the service's daemon 'sleep ${SECONDS}' to run`);
    leftovers.push(pid, ...taskDaemons());
    expect(taskDaemons()).toHaveLength(1);
    return { pid, mark: markOf(pid) };
  }

  it('slot.stop ends the daemons a service and a finished task double-forked, and nothing with their mark remains', { timeout: 90_000 }, async () => {
    const { mark } = await deployAndFindDaemon();
    expect(mark).toMatch(/^[0-9a-f]{12}\.dep_[0-9a-z]+\.single$/);

    const stop = await plane.waitForResult(plane.command('slot.stop', { slot }));
    expect(stop.ok, agent.output()).toBe(true);
    expect(daemons()).toEqual([]);
    expect(taskDaemons()).toEqual([]);
    expect(processesWith('environ', `BERTH_PROCESS_MARK=${mark}`)).toEqual([]);
  });

  it('a killed agent\'s daemon is ended when the agent starts again', { timeout: 120_000 }, async () => {
    const orphan = await deployAndFindDaemon();
    const orphanStart = await processStartTime(orphan.pid);
    agent.child.kill('SIGKILL');
    await agent.exited;
    // The daemon outlives its agent: nothing but the mark ties it to the slot now.
    expect(await processStartTime(orphan.pid)).toBe(orphanStart);

    agent = startConnectedAgent(plane, storage.path);
    session = await plane.waitForSession(session);
    await waitFor(async () => (await processStartTime(orphan.pid)) !== orphanStart || null, `the orphan ${orphan.pid} to be ended at start\n${agent.output()}`, { timeoutMs: 30_000 });
    await agent.waitForOutput('outside their process trees');
    // The restored deployment runs again in the same color, under the same mark: what carries it
    // now must all have started after the orphan, i.e. nothing from before the crash is left.
    const marked = processesWith('environ', `BERTH_PROCESS_MARK=${orphan.mark}`);
    const starts = await Promise.all(marked.map((pid) => processStartTime(pid)));
    expect(starts.filter((start) => start !== null && Number(start) <= Number(orphanStart))).toEqual([]);

    // The restored slot started its own daemon again; the agent's own stop ends that one too.
    const restored = await waitFor(() => daemons()[0], 'the restored service to start its daemon');
    leftovers.push(restored);
    await stopAgent(agent);
    expect(daemons()).toEqual([]);
    expect(taskDaemons()).toEqual([]);
  });
});
