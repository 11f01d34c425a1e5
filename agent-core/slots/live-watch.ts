import { checkOnce, type CheckOptions } from '../traffic';
import type { Instance } from './instance';

export const UNHEALTHY_AFTER = 3;

export interface LiveWatchEvents {
  /** The third failed check in a row. */
  onUnhealthy(reason: string): void;
  /** The first healthy check after onUnhealthy. */
  onRecovered(): void;
}

/**
 * Keeps checking the live color between deployments, so an app that hangs without exiting is
 * noticed: UNHEALTHY_AFTER failures in a row report it, and the next success reports recovery.
 */
export class LiveWatch {
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private unhealthy = false;

  constructor(
    private readonly check: CheckOptions,
    private readonly intervalMs: number,
    private readonly events: LiveWatchEvents,
  ) {}

  start(): void {
    if (this.timer === null) this.schedule();
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    // The next check is scheduled whatever this one does: a callback that throws stops no watch.
    this.timer = setTimeout(() => {
      this.tick()
        .catch(() => undefined)
        .finally(() => {
          if (this.timer !== null) this.schedule();
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const result = await checkOnce(this.check);
    if (this.timer === null) return;
    if (result.outcome === 'healthy') {
      this.failures = 0;
      if (this.unhealthy) {
        this.unhealthy = false;
        this.events.onRecovered();
      }
    } else {
      this.failures += 1;
      if (this.failures === UNHEALTHY_AFTER && !this.unhealthy) {
        this.unhealthy = true;
        this.events.onUnhealthy(`${result.detail} (${UNHEALTHY_AFTER} checks in a row)`);
      }
    }
  }
}

/**
 * Watches a live instance whose traffic has something to check (a public port or a health-check
 * path); `unhealthy` and `recovered` get the message a person reads.
 */
export function watchLiveInstance(instance: Instance, report: { unhealthy(message: string): void; recovered(message: string): void }): void {
  const { traffic } = instance.spec;
  if (traffic.mode !== 'blue-green' && traffic.publicPort === undefined && !traffic.healthCheck.path) return;
  const color = instance.copy === 'single' ? '' : ` (${instance.copy})`;
  instance.startWatch(traffic.healthCheck.path, traffic.healthCheck.expectStatus, traffic.healthCheck.watchIntervalMs, {
    onUnhealthy: (reason) => report.unhealthy(`the live instance${color} stopped answering its health check: ${reason}; its service is being restarted`),
    onRecovered: () => report.recovered(`the live instance${color} is healthy again`),
  });
}
