import { after } from 'node:test';
import { join } from 'node:path';
import { buildEnvironment } from '../../agent-core/runner/environment';
import type { CommandContext } from '../../agent-core/runner/phase-runner';
import type { PtyProcess } from '../../agent-core/runner/pty-process';
import { OutputBuffer } from '../fixtures/command-fixtures';
import { makeTempDir } from '../fixtures/temp-dir';

export { command, OutputBuffer } from '../fixtures/command-fixtures';

/** Set by scripts/test-windows.mjs: 'wine' under Wine on Linux, 'windows' on Windows itself. */
export const lane = process.env.BERTH_WINDOWS_LANE;

/** For node:test's `skip`: the reason a test cannot run under Wine, or false where it can. */
export function skipUnderWine(reason: string): string | false {
  return lane === 'wine' ? `not under Wine: ${reason}` : false;
}

/** Temp folders and processes of one test file, removed and killed when the file is done. */
export function useWorkspace() {
  const folders: Array<() => void> = [];
  const processes: PtyProcess[] = [];
  after(async () => {
    await Promise.allSettled(processes.map((child) => child.kill()));
    for (const cleanup of folders) cleanup();
    // node-pty never ends winpty's output reader (a worker thread), so under Wine a file that ran a
    // command would never exit: it is ended once its results are out. On Windows (ConPTY) it must end by itself.
    if (lane === 'wine') setTimeout(() => process.exit(), 5_000).unref();
  });
  return {
    folder(prefix = 'berth-lane-'): string {
      const temp = makeTempDir(prefix);
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
  };
}

/** Everything `child` prints from now on. */
export function outputOf(child: PtyProcess): OutputBuffer {
  const seen = new OutputBuffer();
  child.on('data', (chunk) => seen.write(chunk));
  return seen;
}

/** A pseudo console draws with escape sequences and may wrap lines: compare text without them. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07/g, '').replace(/\r/g, '');
}
