import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { markInEnviron, parsePsEnvironment } from '../../agent-core/runner/marked-processes';
import { endMarkedProcesses, installationMark, PROCESS_MARK_VARIABLE, processMark } from '../../agent-core/runner/process-mark';
import { spawnCommand } from '../../agent-core/runner/pty-process';
import { processStartTime } from '../../agent-core/runner/process-identity';
import { waitFor } from '../fixtures/wait';
import { command, OutputBuffer, useWorkspace } from './runner-fixtures';

const onLinux = process.platform === 'linux';

/** Running, not a zombie: a killed orphan may wait for a reaper that a container never runs. */
async function running(pid: number): Promise<boolean> {
  return (await processStartTime(pid)) !== null;
}

/** The pids whose command line is exactly `sleep <seconds>`. */
function sleepers(seconds: number): number[] {
  const wanted = `sleep\0${seconds}\0`;
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/cmdline`, 'latin1') === wanted;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** A `sleep` of this length started outside the agent, in its own session, with `env`. */
function lookAlike(seconds: number, env: NodeJS.ProcessEnv): number {
  // Not detached: setsid then makes its own session in place, and the pid is the sleep's.
  const child = spawn('setsid', ['sleep', String(seconds)], { env, stdio: 'ignore' });
  child.unref();
  return child.pid!;
}

describe('process marks', () => {
  const workspace = useWorkspace();

  it('names an installation by its storage folder and an instance by deployment and copy', () => {
    expect(installationMark('/srv/berth')).toBe(installationMark('/srv/berth/'));
    expect(installationMark('/srv/berth')).not.toBe(installationMark('/srv/berth-2'));
    expect(processMark('/srv/berth', 'dep_1', 'blue')).toBe(`${installationMark('/srv/berth')}.dep_1.blue`);
    expect(processMark('/srv/berth', 'dep_1', 'blue')).not.toBe(processMark('/srv/berth', 'dep_1', 'green'));
  });

  it('is in the environment of the command and of its children, and a command env cannot change it', async () => {
    const cwd = workspace.folder();
    const mark = processMark(cwd, 'dep_env', 'single');
    const child = workspace.track(
      spawnCommand({
        ...workspace.context(cwd, { [PROCESS_MARK_VARIABLE]: mark }),
        command: command('bash', 'echo "own=$BERTH_PROCESS_MARK"; bash -c \'echo "child=$BERTH_PROCESS_MARK"\'', { env: { [PROCESS_MARK_VARIABLE]: 'forged' } }),
        label: 'print-mark',
      }),
    );
    const output = new OutputBuffer();
    child.on('data', (chunk) => output.write(chunk));
    await child.exited;
    expect(output.text).toContain(`own=${mark}`);
    expect(output.text).toContain(`child=${mark}`);
    expect(output.text).not.toContain('forged');
  });

  it.runIf(onLinux)('ends a double-forked daemon carrying the mark and leaves an unmarked look-alike and another mark alone', { timeout: 30_000 }, async () => {
    const cwd = workspace.folder();
    const seconds = 30_000 + (process.pid % 997);
    const mark = processMark(cwd, 'dep_daemon', 'single');
    const other = processMark(cwd, 'dep_other', 'single');
    const unmarked = workspace.trackPid(lookAlike(seconds, { PATH: process.env.PATH }));
    const otherMarked = workspace.trackPid(lookAlike(seconds, { PATH: process.env.PATH, [PROCESS_MARK_VARIABLE]: other }));
    // Waits for the daemon's own session: the hangup of the closing terminal must not be what ends it.
    const daemonize = `(setsid sh -c 'touch in-own-session; exec sleep ${seconds}' &); until [ -e in-own-session ]; do sleep 0.05; done`;
    const starter = spawnCommand({ ...workspace.context(cwd, { [PROCESS_MARK_VARIABLE]: mark }), command: command('bash', daemonize), label: 'daemonize' });
    await starter.exited;
    const daemon = await waitFor(() => sleepers(seconds).find((pid) => pid !== unmarked && pid !== otherMarked), 'the daemon to start');
    workspace.trackPid(daemon);
    // Its starter is gone: no tree leads to it any more.
    expect(starter.hasExited).toBe(true);

    expect(await endMarkedProcesses({ mark })).toBe(1);
    expect(await running(daemon)).toBe(false);
    expect(await running(unmarked)).toBe(true);
    expect(await running(otherMarked)).toBe(true);
    expect(sleepers(seconds).sort()).toEqual([unmarked, otherMarked].sort());
  });

  it.runIf(onLinux)('at start, ends every mark of its own installation and none of another installation', { timeout: 30_000 }, async () => {
    const ours = workspace.folder();
    const theirs = workspace.folder();
    const seconds = 31_000 + (process.pid % 997);
    const env = (mark: string) => ({ PATH: process.env.PATH, [PROCESS_MARK_VARIABLE]: mark });
    const first = workspace.trackPid(lookAlike(seconds, env(processMark(ours, 'dep_a', 'blue'))));
    const second = workspace.trackPid(lookAlike(seconds, env(processMark(ours, 'dep_b', 'single'))));
    const foreign = workspace.trackPid(lookAlike(seconds, env(processMark(theirs, 'dep_a', 'blue'))));
    await waitFor(() => sleepers(seconds).length === 3 || null, 'the three sleepers to start');

    expect(await endMarkedProcesses({ installation: installationMark(ours) })).toBe(2);
    expect(await running(first)).toBe(false);
    expect(await running(second)).toBe(false);
    expect(await running(foreign)).toBe(true);
  });

  it('reads the mark from /proc environ and from ps -E lines', () => {
    expect(markInEnviron(`PATH=/bin\0${PROCESS_MARK_VARIABLE}=abc.dep_1.blue\0HOME=/h\0`)).toBe('abc.dep_1.blue');
    expect(markInEnviron('PATH=/bin\0HOME=/h\0')).toBeNull();
    const ps = [
      '  412 /usr/sbin/sshd -D',
      `  977 node server.cjs PATH=/usr/bin ${PROCESS_MARK_VARIABLE}=abc.dep_1.green PORT=41000`,
      ` 1002 sleep 302 HOME=/Users/ada ${PROCESS_MARK_VARIABLE}=abc.dep_2.single`,
      ` 1003 grep NOT_${PROCESS_MARK_VARIABLE}=x`,
    ].join('\n');
    expect(parsePsEnvironment(ps)).toEqual([
      { pid: 977, mark: 'abc.dep_1.green', startTime: null },
      { pid: 1002, mark: 'abc.dep_2.single', startTime: null },
    ]);
  });
});
