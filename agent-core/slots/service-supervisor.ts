import { EventEmitter } from 'node:events';
import { OutputTail, spawnCommand, type PtyProcess, type SpawnOptions } from '../runner';

export const RESTART_LIMIT = 3;
export const RESTART_WINDOW_MS = 5 * 60_000;
const FIRST_BACKOFF_MS = 1_000;

export interface ServiceDefinition {
  label: string;
  spawn: SpawnOptions;
}

export interface SupervisorEvents {
  spawned: [PtyProcess];
  'gave-up': [{ label: string; exitCode: number; lastLines: string }];
}

/**
 * Keeps a slot's long-running services up: a service that exits by itself is started again with
 * backoff, at most RESTART_LIMIT times in RESTART_WINDOW_MS; past that it stays down and the
 * supervisor gives up, so the slot can show the exit code and the last lines of output.
 */
export class ServiceSupervisor extends EventEmitter<SupervisorEvents> {
  private readonly running = new Map<string, PtyProcess>();
  private readonly restarts = new Map<string, number[]>();
  private readonly tails = new Map<string, OutputTail>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopping = false;

  constructor(
    private readonly definitions: readonly ServiceDefinition[],
    private readonly write: (chunk: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  /** The last lines the services printed, for an error that says why they are not healthy. */
  lastLines(): string {
    return [...this.tails.values()].flatMap((tail) => tail.text()).join('\n');
  }

  get processes(): PtyProcess[] {
    return [...this.running.values()];
  }

  /** Takes over services a phase already started (matched by label), so they are watched from now on. */
  adopt(processes: readonly PtyProcess[]): void {
    for (const process of processes) this.watch(process);
  }

  /** Kills the services as a crash would: the restart policy brings them back (or gives up). */
  async recycle(): Promise<void> {
    await Promise.all(this.processes.map((process) => process.kill()));
  }

  /** Stops watching and stops every service: Ctrl+C, then the whole tree after graceMs. */
  async stopAll(graceMs: number): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.processes.map((process) => process.stop(graceMs)));
    this.running.clear();
  }

  private watch(process: PtyProcess): void {
    const label = process.label;
    this.running.set(label, process);
    let tail = this.tails.get(label);
    if (!tail) {
      tail = new OutputTail();
      this.tails.set(label, tail);
    }
    const lines = tail;
    process.on('data', (chunk: string) => lines.push(chunk));
    process.once('exit', ({ exitCode }) => {
      if (this.running.get(label) === process) this.running.delete(label);
      if (!this.stopping) this.onUnexpectedExit(label, exitCode);
    });
  }

  private onUnexpectedExit(label: string, exitCode: number): void {
    const definition = this.definitions.find((candidate) => candidate.label === label);
    const now = this.now();
    const recent = (this.restarts.get(label) ?? []).filter((at) => now - at < RESTART_WINDOW_MS);
    if (!definition || recent.length >= RESTART_LIMIT) {
      this.emit('gave-up', { label, exitCode, lastLines: this.tails.get(label)?.text().join('\n') ?? '' });
      return;
    }
    recent.push(now);
    this.restarts.set(label, recent);
    const delayMs = FIRST_BACKOFF_MS * 2 ** (recent.length - 1);
    this.write(`\r\n\x1b[33m[berth] service '${label}' exited with code ${exitCode}; restarting in ${delayMs / 1000} s (${recent.length}/${RESTART_LIMIT} in 5 min)\x1b[0m\r\n`);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.stopping) return;
      try {
        const process = spawnCommand(definition.spawn);
        process.on('data', this.write);
        this.watch(process);
        this.emit('spawned', process);
      } catch (error) {
        this.emit('gave-up', { label, exitCode, lastLines: (error as Error).message });
      }
    }, delayMs);
    this.timers.add(timer);
  }
}
