import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { JobObject, loadKernel32 } from '../../agent-core/runner/job-object.win32';
import { markJobsWin32 } from '../../agent-core/runner/mark-jobs.win32';
import { isProcessAlive } from '../../agent-core/runner/process-identity';
import { endMarkedProcesses, PROCESS_MARK_VARIABLE } from '../../agent-core/runner/process-mark';
import { spawnCommand } from '../../agent-core/runner/pty-process';
import { waitFor } from '../fixtures/wait';
import { command, outputOf, plain, useWorkspace } from './lane';

const FOREVER = 'setInterval(() => {}, 1000)';

// Starts a detached node that runs forever (its own console: out of reach of the tree and the
// console), writes its pid to child.pid, then exits: the started process is an orphan.
const ORPHAN_MAKER = `const c = require('child_process').spawn(process.execPath, ['-e', ${JSON.stringify(FOREVER)}], { detached: true, stdio: 'ignore' });
c.unref(); require('fs').writeFileSync('child.pid', String(c.pid));`;

// This file doubles as a small agent: started with BERTH_JOB_AGENT set to a folder, it creates a job
// (unless BERTH_JOB_AGENT_NO_JOB is set), puts a detached child in it, writes the child's pid and
// runs until it is killed, which closes its handles as any agent's death does.
const agentFolder = process.env.BERTH_JOB_AGENT;

function startForever(cwd: string, detached = false) {
  return spawn(process.execPath, ['-e', FOREVER], { cwd, detached, stdio: 'ignore' });
}

function readPid(folder: string, file = 'child.pid'): Promise<number> {
  return waitFor(() => Number(readFileSync(join(folder, file), 'utf8')), `${file} in ${folder}`, { timeoutMs: 60_000 });
}

async function assertGone(pids: number[], what: string): Promise<void> {
  await waitFor(() => pids.every((pid) => !isProcessAlive(pid)), what, { timeoutMs: 20_000 });
}

if (agentFolder !== undefined) {
  const child = startForever(agentFolder, true);
  if (process.env.BERTH_JOB_AGENT_NO_JOB === undefined) JobObject.create(loadKernel32()).assign(child.pid!);
  writeFileSync(join(agentFolder, 'child.pid'), String(child.pid));
  setInterval(() => {}, 1000);
} else {
  // Starting a Windows process under Wine takes seconds, not milliseconds.
  describe('Job Objects on Windows', { timeout: 600_000 }, () => {
    const workspace = useWorkspace();
    const started: number[] = [];
    after(() => {
      for (const pid of started) if (isProcessAlive(pid)) process.kill(pid);
    });
    const track = (pid: number | undefined): number => {
      assert.ok(pid !== undefined && pid > 0, 'the process started');
      started.push(pid);
      return pid;
    };

    it('ends the process in a kill-on-close job when the job is closed', async () => {
      const child = startForever(workspace.folder());
      const pid = track(child.pid);
      const job = JobObject.create(loadKernel32());
      assert.equal(job.assign(pid), 'joined');
      assert.deepEqual(job.processIds(), [pid]);
      job.close();
      await assertGone([pid], `process ${pid} to end with its job`);
    });

    it('puts the processes a member starts later in the job too, and ends them with it after their parent exited', async () => {
      const cwd = workspace.folder();
      // The parent waits for `go`, so it is in the job before it starts its child.
      const parent = spawn(process.execPath, ['-e', `const fs = require('fs'); const wait = setInterval(() => { if (!fs.existsSync('go')) return; clearInterval(wait); ${ORPHAN_MAKER} }, 50);`], {
        cwd,
        stdio: 'ignore',
      });
      const parentPid = track(parent.pid);
      const job = JobObject.create(loadKernel32());
      try {
        assert.equal(job.assign(parentPid), 'joined');
        writeFileSync(join(cwd, 'go'), '');
        const orphan = track(await readPid(cwd));
        await assertGone([parentPid], 'the parent to exit by itself');
        assert.deepEqual(job.processIds(), [orphan]);
        job.terminate();
        await assertGone([orphan], `the orphan ${orphan} to end with its job`);
        assert.deepEqual(job.processIds(), []);
      } finally {
        job.close();
      }
    });

    it('leaves nothing of the job running once the agent holding it is killed (and without a job, the child survives)', async () => {
      const agent = (folder: string, env: Record<string, string>) =>
        spawn(process.execPath, [fileURLToPath(import.meta.url)], { cwd: folder, env: { ...process.env, BERTH_JOB_AGENT: folder, ...env }, stdio: 'ignore' });
      const withJob = workspace.folder();
      const withoutJob = workspace.folder();
      const agents = [agent(withJob, {}), agent(withoutJob, { BERTH_JOB_AGENT_NO_JOB: '1' })];
      const [contained, free] = [track(await readPid(withJob)), track(await readPid(withoutJob))];
      for (const each of agents) process.kill(track(each.pid));
      await assertGone([contained], `the job's child ${contained} to end with the agent`);
      // The control: the same child without a job is still running after its agent was killed.
      assert.equal(isProcessAlive(free), true);
      process.kill(free);
      await assertGone([free], `the control child ${free} to be killed`);
    });

    it("puts a runner command in its mark's job, so ending the mark ends a process that left its tree", async () => {
      const cwd = workspace.folder();
      const mark = 'lanetest0000.dep_job.single';
      const child = workspace.track(
        spawnCommand({ command: command('node', ORPHAN_MAKER), label: 'orphan maker', ...workspace.context(cwd, { [PROCESS_MARK_VARIABLE]: mark }) }),
      );
      const seen = outputOf(child);
      const orphan = track(await readPid(cwd));
      assert.deepEqual(await child.exited, { exitCode: 0 });
      assert.doesNotMatch(plain(seen.text), /not in its slot's Job Object/);
      assert.deepEqual(markJobsWin32().processIds(mark), [orphan]);
      assert.equal(await endMarkedProcesses({ mark }), 1);
      await assertGone([orphan], `the orphan ${orphan} to end with its mark's job`);
    });
  });
}
