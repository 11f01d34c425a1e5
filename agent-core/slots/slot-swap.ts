import type { AgentEvents } from '../events';
import { BerthError, type Deployment, type GuardWatch, type SlotSpec, type WarmColor } from '../protocol';
import type { Target } from '../traffic';
import type { Instance } from './instance';
import type { SlotDeployments } from './slot-deployments';
import type { SlotInstances } from './slot-instances';
import type { SlotTraffic } from './slot-traffic';
import { SwapGuard } from './swap-guard';

/** The parts of its slot a swap works with. */
export interface SwapSlot {
  slotId: string;
  events: AgentEvents;
  instances: SlotInstances;
  traffic: SlotTraffic;
  records: SlotDeployments;
  /** Stops an instance that no longer serves and records its deployment as stopped. */
  retire(instance: Instance): Promise<void>;
  /** Stops whatever runs in the warm instance's working copy, when its time is up. */
  stopWarm(instance: Instance): Promise<void>;
  /** Between deployments the live color is watched. */
  watchLive(instance: Instance): void;
  /** The live instance changed, or the warm color or the guard did: the slot's status says so. */
  changed(): void;
  guard(what: string, work: () => unknown): void;
}

/**
 * How long a swapped-out color stays warm: `keepWarmMs`, or the guard's window when that is longer
 * (a guard needs a color to swap back to). Single mode has no second color.
 */
export function warmMsFor(spec: SlotSpec): number {
  const { traffic } = spec;
  if (traffic.mode !== 'blue-green') return 0;
  return Math.max(traffic.keepWarmMs, traffic.guard?.windowMs ?? 0);
}

/**
 * The swap of a slot and what follows it: the old color drains, then either stops or stays warm
 * (running without traffic) for `keepWarmMs`, so that a rollback to it is a swap; a guarded swap
 * is watched for `guard.windowMs` and undone by itself when the new color answers too many 5xx.
 */
export class SlotSwap {
  private warmTimer: NodeJS.Timeout | null = null;
  private warmUntil = 0;
  private watch: SwapGuard | null = null;

  constructor(private readonly slot: SwapSlot) {}

  /** The warm color and how long it stays, or null. */
  get warm(): WarmColor | null {
    const instance = this.slot.instances.warm;
    if (!instance || instance.copy === 'single') return null;
    return { color: instance.copy, deploymentId: instance.deploymentId, until: new Date(this.warmUntil).toISOString() };
  }

  get guard(): GuardWatch | null {
    return this.watch?.view() ?? null;
  }

  /**
   * The swap: `instance` becomes live and production in one step. The instance it replaces drains,
   * then stays warm or stops; with a guard in its spec and a warm color to go back to, the new one
   * is watched.
   */
  goLive(instance: Instance, deployment: Deployment): Deployment {
    const warmMs = warmMsFor(instance.spec);
    const { previous, previousTarget, promoted } = this.swapTo(instance, deployment, warmMs > 0);
    if (previous) this.leave(previous, previousTarget, warmMs);
    const limits = instance.spec.traffic.guard;
    const target = this.slot.traffic.liveTarget;
    if (limits && previous && warmMs > 0 && target) this.startGuard(instance, previous, target, limits);
    return promoted;
  }

  /** The slot stops, or the warm instance went away: nothing is left to swap back to. */
  stopWatching(): void {
    this.watch?.cancel();
    this.watch = null;
  }

  private swapTo(instance: Instance, deployment: Deployment, keepPreviousWarm: boolean) {
    const { instances, traffic, records } = this.slot;
    this.stopWatching();
    if (instances.warm === instance) this.clearWarmTimer();
    const previous = instances.makeLive(instance, keepPreviousWarm);
    const previousTarget = instance.copy === 'single' ? null : traffic.swap(instance.copy, instance.port, instance.deploymentId);
    const promoted = records.promote(deployment.id);
    previous?.stopWatch();
    this.slot.watchLive(instance);
    return { previous, previousTarget, promoted };
  }

  /** The swapped-out instance drains; then it stops, or stays warm for `warmMs`. */
  private leave(previous: Instance, target: Target | null, warmMs: number): void {
    const { traffic } = this.slot;
    const drainMs = previous.spec.traffic.drainTimeoutMs;
    const what = `draining the old instance of deployment ${previous.deploymentId}`;
    if (warmMs === 0) {
      const stop = (): Promise<void> => this.slot.retire(previous);
      this.slot.guard(what, () => (target ? traffic.drain(target, drainMs, stop) : stop()));
      return;
    }
    if (target) this.slot.guard(what, () => traffic.drain(target, drainMs));
    this.clearWarmTimer();
    this.warmUntil = Date.now() + warmMs;
    this.warmTimer = setTimeout(() => this.slot.guard(`stopping the warm instance of deployment ${previous.deploymentId}`, () => this.expire(previous)), warmMs);
    this.warmTimer.unref();
  }

  /** The warm time is up: once its drain is over, the instance stops like any swapped-out one. */
  private async expire(instance: Instance): Promise<void> {
    this.warmTimer = null;
    if (this.slot.instances.warm !== instance || instance.copy === 'single') return;
    await this.slot.traffic.drained(instance.copy);
    if (this.slot.instances.warm !== instance) return;
    await this.slot.stopWarm(instance);
  }

  private clearWarmTimer(): void {
    if (this.warmTimer) clearTimeout(this.warmTimer);
    this.warmTimer = null;
  }

  private startGuard(instance: Instance, previous: Instance, target: Target, limits: NonNullable<SlotSpec['traffic']['guard']>): void {
    const { healthCheck } = instance.spec.traffic;
    const watch = new SwapGuard({
      limits,
      deploymentId: instance.deploymentId,
      previousDeploymentId: previous.deploymentId,
      counts: () => target.totals(),
      health: { port: instance.port, path: healthCheck.path, expectStatus: healthCheck.expectStatus, checkTimeoutMs: healthCheck.checkTimeoutMs },
      intervalMs: healthCheck.intervalMs,
      onTrip: (reason) => this.slot.guard(`swapping slot ${this.slot.slotId} back to ${previous.deploymentId}`, () => this.swapBack(instance, previous, reason)),
      onPassed: () => {
        if (this.watch === watch) this.watch = null;
        this.slot.changed();
      },
      onChange: () => this.slot.changed(),
    });
    this.watch = watch;
    watch.start();
  }

  /**
   * The guard tripped: the warm color is live and production again at once, and the new deployment
   * fails with GUARD_TRIPPED, drains what it has in flight and stops.
   */
  private swapBack(bad: Instance, warm: Instance, reason: string): void {
    const { instances, records, events, slotId } = this.slot;
    if (instances.live !== bad || instances.warm !== warm) return;
    const production = records.require(warm.deploymentId);
    const { previousTarget } = this.swapTo(warm, production, false);
    const error = new BerthError('GUARD_TRIPPED', `the guard swapped back to deployment ${warm.deploymentId}: ${reason}`);
    events.emit('guard.tripped', { slotId, deploymentId: bad.deploymentId, message: error.message });
    records.update(bad.deploymentId, { status: 'failed', error: error.message, errorCode: error.code });
    events.warn(`deployment ${bad.deploymentId}: ${error.message}`, slotId);
    this.leave(bad, previousTarget, 0);
    this.slot.changed();
  }
}
