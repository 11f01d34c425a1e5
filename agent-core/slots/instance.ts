import type { DeploymentOutput } from '../logs';
import type { CopyName } from '../deployments/working-copy';
import type { Command, SlotSpec } from '../protocol';
import { endProcessesMarked, runPhase, type SpawnOptions } from '../runner';
import { LiveWatch, type LiveWatchEvents } from './live-watch';
import { ServiceSupervisor } from './service-supervisor';

export type { CopyName };

export interface InstanceOptions {
  /** The spec this instance was deployed with: its drain, watch and stop follow it, not a newer one. */
  spec: SlotSpec;
  deploymentId: string;
  copy: CopyName;
  port: number;
  workdir: string;
  output: DeploymentOutput;
  supervisor: ServiceSupervisor;
  shutdown: readonly Command[];
  spawnOptions: (command: Command, label: string) => SpawnOptions;
  /** The mark every process of this instance carries (CommandPlan.processMark). */
  processMark?: string;
  redact(text: string): string;
  graceMs: number;
  onStopped(): void;
}

/**
 * One version of a slot running in one working copy: its services, their supervisor and the
 * deployment log they write to. It owns its stop: shutdown commands, Ctrl+C, grace, tree kill.
 */
export class Instance {
  private stopped: Promise<void> | null = null;
  private watch: LiveWatch | null = null;

  constructor(readonly options: InstanceOptions) {}

  get deploymentId(): string {
    return this.options.deploymentId;
  }

  get port(): number {
    return this.options.port;
  }

  get spec(): SlotSpec {
    return this.options.spec;
  }

  get copy(): CopyName {
    return this.options.copy;
  }

  get pids(): number[] {
    return this.options.supervisor.processes.map((process) => process.pid);
  }

  /** Checks this instance every intervalMs while it is live; see LiveWatch. */
  startWatch(path: string | null | undefined, expectStatus: number, intervalMs: number, events: LiveWatchEvents): void {
    this.stopWatch();
    this.watch = new LiveWatch({ port: this.port, path, expectStatus }, intervalMs, events);
    this.watch.start();
  }

  stopWatch(): void {
    this.watch?.stop();
    this.watch = null;
  }

  /** Restarts the services under the restart policy, as if they had crashed. */
  recycle(): Promise<void> {
    return this.options.supervisor.recycle();
  }

  /** Runs the shutdown commands (their failure is logged, not fatal), then stops the services. */
  stop(): Promise<void> {
    if (!this.stopped) {
      this.stopWatch();
      this.stopped = this.runStop();
    }
    return this.stopped;
  }

  private async runStop(): Promise<void> {
    const { output, shutdown, spawnOptions, supervisor, graceMs } = this.options;
    if (shutdown.length > 0) {
      try {
        const { services } = await runPhase({
          phase: 'shutdown',
          commands: shutdown,
          execution: 'sequential',
          spawnOptions,
          output,
          signal: AbortSignal.timeout(Math.max(graceMs, 60_000)),
          redact: this.options.redact,
        });
        await Promise.all(services.map((service) => service.stop(graceMs)));
      } catch (error) {
        output.write(`\r\n\x1b[33m[berth] shutdown commands failed: ${(error as Error).message}\x1b[0m\r\n`);
      }
    }
    await supervisor.stopAll(graceMs);
    await endProcessesMarked(this.options.processMark);
    output.write(`\r\n[berth] stopped\r\n`);
    await output.close();
    this.options.onStopped();
  }
}
