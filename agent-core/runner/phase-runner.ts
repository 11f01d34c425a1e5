import { BerthError, commandLabel, formatDuration, type Command, type CommandStep } from '../protocol';
import type { OutputSink } from './output-sink';
import { spawnCommand, type PtyProcess, type SpawnOptions } from './pty-process';
import { runTask } from './task';

export type Phase = 'initial' | 'startup' | 'shutdown';
export type Execution = 'sequential' | 'parallel';

/** Everything spawnCommand needs besides the command itself: the slot's folder, environment and script folder. */
export type CommandContext = Omit<SpawnOptions, 'command' | 'label'>;

export interface PhaseOptions {
  phase: Phase;
  /** Already expanded. */
  commands: readonly Command[];
  execution: Execution;
  spawnOptions: (command: Command, label: string) => CommandContext;
  output: OutputSink;
  signal?: AbortSignal;
  /** For tasks without their own timeoutMs; 30 minutes unless given. */
  defaultTimeoutMs?: number;
  /** Masks secrets in the output lines an error message quotes. */
  redact?: (text: string) => string;
  /** Each command as it starts and, for a task, as it ends: typed steps for the window and the control plane. */
  onCommand?: (step: CommandStep) => void;
}

export interface PhaseResult {
  /** The long-running processes the phase started and left running. */
  services: PtyProcess[];
}

/** Which commands are services: the marked ones, or in a startup phase where none is marked, the last one. */
export function serviceIndexes(phase: Phase, commands: readonly Command[]): Set<number> {
  const marked = commands.flatMap((command, index) => (command.service ? [index] : []));
  if (marked.length === 0 && phase === 'startup' && commands.length > 0) return new Set([commands.length - 1]);
  return new Set(marked);
}

/**
 * Runs one phase's commands. A task must exit 0 (sequential: before the next starts; parallel: before
 * the phase is over); a service is started and left running. When anything fails, whatever the
 * phase started is killed before the error is rethrown.
 */
export async function runPhase(options: PhaseOptions): Promise<PhaseResult> {
  return options.execution === 'parallel' ? runParallel(options) : runSequential(options);
}

async function runSequential(options: PhaseOptions): Promise<PhaseResult> {
  const services: PtyProcess[] = [];
  const isService = serviceIndexes(options.phase, options.commands);
  try {
    for (const [index, command] of options.commands.entries()) {
      if (isService.has(index)) services.push(startService(options, command, index, options.signal));
      else await startTask(options, command, index, options.signal);
    }
    return { services };
  } catch (error) {
    await killAll(services);
    throw error;
  }
}

async function runParallel(options: PhaseOptions): Promise<PhaseResult> {
  const services: PtyProcess[] = [];
  const isService = serviceIndexes(options.phase, options.commands);
  // One failure stops the others: they are cancelled through this controller, and its first cause is what is reported.
  const phase = new AbortController();
  const cancelPhase = () => phase.abort();
  if (options.signal?.aborted) phase.abort();
  options.signal?.addEventListener('abort', cancelPhase, { once: true });
  const failures: unknown[] = [];
  const fail = (error: unknown) => {
    failures.push(error);
    phase.abort();
  };
  const tasks: Promise<unknown>[] = [];
  for (const [index, command] of options.commands.entries()) {
    if (phase.signal.aborted) break;
    try {
      if (isService.has(index)) services.push(startService(options, command, index, phase.signal));
      else tasks.push(startTask(options, command, index, phase.signal).catch(fail));
    } catch (error) {
      fail(error);
    }
  }
  await Promise.all(tasks);
  options.signal?.removeEventListener('abort', cancelPhase);
  if (failures.length === 0 && !phase.signal.aborted) return { services };
  await killAll(services);
  throw failures[0] ?? new BerthError('CANCELLED', `the ${options.phase} phase was cancelled before its commands started`);
}

function startTask(options: PhaseOptions, command: Command, index: number, signal: AbortSignal | undefined) {
  const label = commandLabel(command, options.phase, index);
  const step = { name: label, phase: options.phase, index };
  writeHeader(options.output, label, command.type);
  if (!signal?.aborted) options.onCommand?.({ ...step, state: 'started' });
  return runTask({
    ...options.spawnOptions(command, label),
    command,
    label,
    output: options.output,
    signal,
    timeoutMs: command.timeoutMs ?? options.defaultTimeoutMs,
    redact: options.redact,
    onEnded: ({ exitCode, durationMs }) => options.onCommand?.({ ...step, state: 'ended', exitCode, durationMs }),
  });
}

function startService(options: PhaseOptions, command: Command, index: number, signal: AbortSignal | undefined): PtyProcess {
  const label = commandLabel(command, options.phase, index);
  if (signal?.aborted) throw new BerthError('CANCELLED', `service '${label}' was cancelled before it started`);
  writeHeader(options.output, label, `${command.type}, service`);
  const service = spawnCommand({ ...options.spawnOptions(command, label), command, label });
  service.on('data', (chunk) => options.output.write(chunk));
  options.onCommand?.({ name: label, phase: options.phase, index, state: 'started', service: true });
  return service;
}

/** The line a person reads for a command step: `build started`, `build finished in 1.2 s`, `build exited with code 2 after 3 s`. */
export function commandStepMessage(step: CommandStep): string {
  if (step.state === 'started') return `${step.name} started${step.service ? ' (service)' : ''}`;
  const after = formatDuration(step.durationMs ?? 0);
  if (step.exitCode === 0) return `${step.name} finished in ${after}`;
  return step.exitCode === null || step.exitCode === undefined ? `${step.name} was stopped after ${after}` : `${step.name} exited with code ${step.exitCode} after ${after}`;
}

// Only the label and the type: the command text may hold expanded secrets.
function writeHeader(output: OutputSink, label: string, detail: string): void {
  output.write(`\r\n\x1b[36m▶ ${label}\x1b[0m (${detail})\r\n`);
}

async function killAll(services: readonly PtyProcess[]): Promise<void> {
  await Promise.allSettled(services.map((service) => service.kill()));
}
