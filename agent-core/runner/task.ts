import { BerthError, formatDuration } from '../protocol';
import type { OutputSink } from './output-sink';
import { OutputTail } from './output-tail';
import { spawnCommand, type SpawnOptions } from './pty-process';

export const DEFAULT_TASK_TIMEOUT_MS = 30 * 60_000;

// setTimeout fires at once for anything longer than this.
const MAX_TIMER_MS = 2_147_483_647;

export interface TaskOptions extends SpawnOptions {
  /** 30 minutes unless given. */
  timeoutMs?: number;
  signal?: AbortSignal;
  output: OutputSink;
  /** Masks secrets in the output lines an error message quotes. */
  redact?: (text: string) => string;
  /** Told once how the command ended: its exit code, or null when a signal, the timeout or a cancel ended it. */
  onEnded?: (ending: { exitCode: number | null; durationMs: number }) => void;
}

export interface TaskResult {
  exitCode: 0;
  durationMs: number;
}

/** Runs a command that must exit with code 0; its output goes to `output` as it comes. */
export async function runTask(options: TaskOptions): Promise<TaskResult> {
  const { label, signal } = options;
  if (signal?.aborted) throw cancelled(label, 0);
  const startedAt = Date.now();
  const ended = (exitCode: number | null): void => options.onEnded?.({ exitCode, durationMs: Date.now() - startedAt });
  const child = spawnCommand(options);
  const tail = new OutputTail();
  child.on('data', (chunk) => {
    options.output.write(chunk);
    tail.push(chunk);
  });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TASK_TIMEOUT_MS;
  const outcome = await firstOf(child.exited, timeoutMs, signal);
  const durationMs = () => Date.now() - startedAt;
  const lastLines = () => quote(tail.text(), options.redact);
  if (outcome === 'timeout') {
    await child.kill();
    ended(null);
    throw new BerthError(
      'COMMAND_FAILED',
      `command '${label}' did not finish within ${formatDuration(timeoutMs)} (timeoutMs); it was stopped${lastLines()}`,
    );
  }
  if (outcome === 'cancelled') {
    await child.kill();
    ended(null);
    throw cancelled(label, durationMs());
  }
  const { exitCode, signal: endedBy } = await child.exited;
  ended(endedBy === undefined ? exitCode : null);
  if (exitCode === 0 && endedBy === undefined) return { exitCode: 0, durationMs: durationMs() };
  const how = endedBy === undefined ? `exited with code ${exitCode}` : `was ended by signal ${endedBy}`;
  throw new BerthError('COMMAND_FAILED', `command '${label}' ${how} after ${formatDuration(durationMs())}${lastLines()}`);
}

function firstOf(exited: Promise<unknown>, timeoutMs: number, signal: AbortSignal | undefined) {
  return new Promise<'exit' | 'timeout' | 'cancelled'>((resolve) => {
    const timer = setTimeout(() => settle('timeout'), Math.min(timeoutMs, MAX_TIMER_MS));
    const onAbort = () => settle('cancelled');
    signal?.addEventListener('abort', onAbort, { once: true });
    void exited.then(() => settle('exit'));
    function settle(outcome: 'exit' | 'timeout' | 'cancelled') {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    }
  });
}

function quote(lines: string[], redact: ((text: string) => string) | undefined): string {
  if (lines.length === 0) return '; it printed nothing';
  const text = lines.join('\n');
  return `; last lines:\n${redact === undefined ? text : redact(text)}`;
}

function cancelled(label: string, durationMs: number): BerthError {
  const after = durationMs > 0 ? ` after ${formatDuration(durationMs)}` : ' before it started';
  return new BerthError('CANCELLED', `command '${label}' was cancelled${after}${durationMs > 0 ? '; it was stopped' : ''}`);
}
