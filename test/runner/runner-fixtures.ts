import { join } from 'node:path';
import { afterEach } from 'vitest';
import { BerthError } from '../../agent-core/protocol';
import { buildEnvironment } from '../../agent-core/runner/environment';
import type { CommandContext } from '../../agent-core/runner/phase-runner';
import type { PtyProcess } from '../../agent-core/runner/pty-process';
import { makeTempDir } from '../fixtures/temp-dir';

// Shared with the Windows lane's node:test files, which cannot import vitest.
export { command, OutputBuffer } from '../fixtures/command-fixtures';

/** A temp folder and a spawn context rooted in it; folders, processes and pids left behind are cleaned after each test. */
export function useWorkspace() {
  const folders: Array<() => void> = [];
  const processes: PtyProcess[] = [];
  const pids: number[] = [];
  afterEach(async () => {
    await Promise.allSettled(processes.splice(0).map((child) => child.kill()));
    for (const pid of pids.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already, as it should be
      }
    }
    for (const cleanup of folders.splice(0)) cleanup();
  });
  return {
    folder(): string {
      const temp = makeTempDir('berth-runner-');
      folders.push(temp.cleanup);
      return temp.path;
    },
    context(cwd: string, env: Record<string, string> = {}): CommandContext {
      return { cwd, env: buildEnvironment(process.env, env), scriptDir: join(cwd, '.berth-scripts') };
    },
    track<T extends PtyProcess>(child: T): T {
      processes.push(child);
      return child;
    },
    trackPid(pid: number): number {
      pids.push(pid);
      return pid;
    },
  };
}

/** The BerthError `run` fails with; any other outcome fails the test. */
export async function failureOf(run: Promise<unknown>): Promise<BerthError> {
  try {
    await run;
  } catch (error) {
    if (error instanceof BerthError) return error;
    throw error;
  }
  throw new Error('expected the run to fail');
}
