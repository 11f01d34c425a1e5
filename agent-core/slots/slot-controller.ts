import { DeploymentRun, reproducibleSource, type DeployRequest, type DeploymentSlot, type RunPlan } from './deployment-run';
import type { SourcePreparer } from '../deployments/source-preparer';
import type { AgentEvents } from '../events';
import type { LogSubscription, LogText } from '../logs';
import { BerthError, type Deployment, type DeploymentTrigger, type SlotMetrics, type SlotSpec, type SlotState, type SlotStatus } from '../protocol';
import type { SlotOrigin, SlotRecord, Store } from '../store';
import type { CopyName, Instance } from './instance';
import { watchLiveInstance } from './live-watch';
import type { SlotLogFollow, SlotLogSubscriber } from './slot-log-hub';
import { SlotDeployments } from './slot-deployments';
import type { JobContext, SlotJob } from './slot-job';
import { SlotLogs, type LogRequest } from './slot-logs';
import { assertTransition, statusAtStart } from './slot-lifecycle';
import { SlotInstances } from './slot-instances';
import { SlotQueue } from './slot-queue';
import { SlotSwap } from './slot-swap';
import { SlotTraffic } from './slot-traffic';
import { SlotMetricsHistory } from '../traffic';

export interface SlotContext {
  storagePath: string;
  store: Store;
  events: AgentEvents;
  sources: SourcePreparer;
  colorPortRange(): [number, number];
  publicHost(): string;
  /** The storage disk's free space: refuses new deployments under the floor, gives back reserved room when a write finds it full. */
  storage?: { assertRoomForDeployment(): void; diskFull(): void };
}

/** The queued actions that a stop or a removal cancels first; start and restart keep their place. */
const DEPLOYING_JOBS = ['deployment', 'promotion', 'rollback'];

/**
 * One slot: its last spec received, status, command queue, running instances and public traffic.
 * Every action goes through the queue, so the actions on one slot run one at a time in the order
 * received, each with the spec it carried (or the last one received, fixed when it was queued).
 * A deployment itself is a DeploymentRun; the slot only makes its instance live and keeps it.
 */
export class SlotController {
  readonly queue = new SlotQueue();
  private readonly logs: SlotLogs;
  private readonly records: SlotDeployments;
  private readonly instances = new SlotInstances();
  private readonly traffic: SlotTraffic;
  private readonly swap: SlotSwap;
  private readonly side: DeploymentSlot;
  private status: SlotStatus;
  /** The store's write of the last spec received: a job queued after it runs once it is on the disk. */
  private specSaved: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly context: SlotContext,
    private spec: SlotSpec,
    readonly origin: SlotOrigin,
    record: Pick<SlotRecord, 'status' | 'error' | 'updatedAt'>,
  ) {
    this.traffic = new SlotTraffic(spec.name, new SlotMetricsHistory({ onStep: (step) => context.events.emit('metrics.step', { slotId: this.id, ...step }) }));
    this.records = new SlotDeployments(context.store, context.events, () => this.spec);
    this.logs = new SlotLogs(context.storagePath, context.store, context.events, () => this.spec);
    this.swap = new SlotSwap({
      slotId: spec.id,
      events: context.events,
      instances: this.instances,
      traffic: this.traffic,
      records: this.records,
      retire: (instance) => this.retire(instance),
      stopWarm: (instance) => this.stopInstance(instance.copy),
      watchLive: (instance) => this.watchLive(instance),
      changed: () => this.setStatus(this.status.status, this.liveFields()),
      guard: (what, work) => this.guard(what, work),
    });
    this.side = {
      storagePath: context.storagePath,
      storage: context.storage,
      store: context.store,
      sources: context.sources,
      records: this.records,
      logs: this.logs,
      traffic: this.traffic,
      instances: this.instances,
      colorPortRange: () => context.colorPortRange(),
      publicHost: () => context.publicHost(),
      deploying: () => (this.swap.stopWatching(), this.setStatus('deploying', { error: null })),
      stopCopy: (copy) => this.stopInstance(copy),
      leaveBlueGreen: () => this.leaveBlueGreen(),
      arrived: (instance, deployment, promote) => (promote ? this.goLive(instance, deployment) : this.keepPreview(deployment)),
      failed: (message) => this.setStatus(this.instances.live ? 'running' : 'error', { error: message }),
      serviceGaveUp: (deploymentId, spec, message) => this.guard('handling a service that stays down', () => this.serviceGaveUp(deploymentId, spec, message)),
      guard: (what, work) => this.guard(what, work),
    };
    this.status = statusAtStart(spec, record, context.store.deployments.production(spec.id)?.id ?? null);
  }

  get id(): string {
    return this.spec.id;
  }

  /** The last spec received: what the window shows, and what an action that carries none runs with. */
  get currentSpec(): SlotSpec {
    return this.spec;
  }

  get statusSnapshot(): SlotStatus {
    return { ...this.status, previewDeploymentIds: [...this.status.previewDeploymentIds] };
  }

  /** Pids of every service this slot runs now, live color and previews. */
  get runningPids(): number[] {
    return this.instances.pids();
  }

  /** The spec just received; `saved` settles once it is stored, and the next queued job waits for it. */
  replaceSpec(spec: SlotSpec, saved: Promise<unknown> = Promise.resolve()): void {
    this.spec = spec;
    this.storing(saved);
    // Only the names and the URL change, which the vault stores with the spec: the status row may not exist yet.
    this.status = { ...this.status, url: spec.url ?? null, name: spec.name, workspace: spec.workspace, updatedAt: new Date().toISOString() };
    this.context.events.emit('slot.status', this.statusSnapshot);
  }

  /** The spec is being stored: jobs queued from now on start once it is. */
  storing(saved: Promise<unknown>): void {
    this.specSaved = saved;
  }

  deploy(request: DeployRequest, job: JobContext): Promise<Deployment> {
    const spec = job.spec ?? this.spec;
    if (request.promote === false && spec.traffic.mode !== 'blue-green') {
      const error = new BerthError('INVALID_PAYLOAD', `slot '${spec.name}' runs in single mode, with one working copy, so it cannot run a preview; deploy with promote, or switch the slot to blue-green`);
      return Promise.reject(error);
    }
    return this.enqueue('deployment', job, (queued, signal) => {
      this.context.storage?.assertRoomForDeployment();
      const deployment = this.records.create(
        { source: request.source, trigger: request.trigger, commandId: queued.commandId, note: request.note ?? null, status: 'queued' },
        queued.spec,
      );
      return this.bringUp(queued, { deployment, request, prepareSource: true, promote: request.promote ?? true, fresh: true }, signal);
    });
  }

  /** Swaps a preview in, or starts an older deployment again and swaps it in (a rollback). */
  promote(deploymentId: string, job: JobContext, trigger: DeploymentTrigger = 'local'): Promise<Deployment> {
    return this.enqueue('promotion', job, (queued, signal) => this.runPromote(queued, deploymentId, trigger, signal));
  }

  /** Promotes an older deployment: by default the production deployment before the current one. */
  rollback(deploymentId: string | undefined, job: JobContext): Promise<Deployment> {
    return this.enqueue('rollback', job, (queued, signal) => {
      const target = deploymentId ? this.records.require(deploymentId) : this.context.store.deployments.previousProduction(this.spec.id);
      if (!target) throw new BerthError('NOT_FOUND', `slot '${this.spec.name}' has no earlier production deployment to roll back to`);
      return this.runPromote(queued, target.id, 'rollback', signal);
    });
  }

  start(job: JobContext): Promise<SlotStatus> {
    return this.enqueue('start', job, (queued, signal) => this.runStart(queued, signal));
  }

  /** Cancels the slot's deployments and promotions first (a stop never waits behind a build), then stops. */
  stop(job: JobContext): Promise<SlotStatus> {
    this.cancelDeployments(job);
    return this.enqueue('stop', job, () => this.runStop(true));
  }

  /**
   * A running blue-green slot restarts with no gap: its production version is deployed anew on the
   * idle color with the job's spec, health-checked and swapped in, and the old color drains; a failed
   * health check leaves the old color serving. Single mode stops, then starts.
   */
  restart(job: JobContext): Promise<SlotStatus> {
    return this.enqueue('restart', job, async (queued, signal) => {
      const production = this.context.store.deployments.production(this.spec.id);
      if (queued.spec.traffic.mode === 'blue-green' && this.instances.live !== null && production !== null) {
        await this.restartOnIdleColor(queued, production, signal);
        return this.statusSnapshot;
      }
      await this.runStop(true);
      return this.runStart(queued, signal);
    });
  }

  /** A removal's turn: the slot's deployments are cancelled first, then what was queued before it runs. */
  removal(job: JobContext): Promise<void> {
    this.cancelDeployments(job);
    return this.enqueue('removal', job, async () => undefined);
  }

  /** Cancels the queued and running deployments, promotions and rollbacks, naming the job that did. */
  cancelDeployments(job: JobContext): number {
    return this.queue.cancelWhere((label) => DEPLOYING_JOBS.includes(label), `cancelled by ${job.name ?? 'a stop'} (${job.id})`);
  }

  /** Agent shutdown or removal: cancels queued work and stops everything, keeping the desired state. */
  async shutdown(reason = 'interrupted by the agent stopping'): Promise<void> {
    await this.queue.cancelAll(reason);
    await this.runStop(false);
    await this.traffic.close();
  }

  /** Deployments of this slot, newest first, soft-deleted ones left out. */
  deployments(): Deployment[] {
    return this.records.list();
  }

  /** Soft delete: the deployment leaves every list but stays in the database; production cannot be deleted. */
  deleteDeployment(deploymentId: string): Deployment {
    return this.records.softDelete(deploymentId);
  }

  /** A deployment's log: the given one, the latest, or the last failed one; `tailBytes` keeps only the end. */
  readLogs(request: LogRequest): Promise<{ deploymentId: string } & LogText> {
    return this.logs.read(request, request.deploymentId ? this.records.require(request.deploymentId) : null);
  }

  /** Live output of every deployment of this slot that writes from now on, or of one deployment from an offset of its log. */
  subscribeLogs(subscriber: SlotLogSubscriber, follow: SlotLogFollow = {}): LogSubscription {
    if (follow.deploymentId !== undefined) this.records.require(follow.deploymentId);
    return this.logs.subscribe(subscriber, follow);
  }

  /** What the slot's proxy forwarded in the last `windowSeconds`, per color and deployment (`slot.metrics`). */
  metrics(windowSeconds: number): SlotMetrics {
    return { slotId: this.id, ...this.traffic.metrics.read(windowSeconds) };
  }

  /** Queues `run` with the spec the job carried, or the last one received now; it starts once that spec is stored. */
  private enqueue<T>(label: string, job: JobContext, run: (queued: SlotJob, signal: AbortSignal) => Promise<T>): Promise<T> {
    const queued: SlotJob = { ...job, spec: job.spec ?? this.spec };
    const saved = this.specSaved;
    return this.queue.enqueue({
      id: job.id,
      label,
      run: async (signal) => {
        await saved;
        return run(queued, signal);
      },
    });
  }

  private bringUp(job: SlotJob, plan: RunPlan, signal: AbortSignal): Promise<Deployment> {
    return new DeploymentRun(this.side, job, plan).run(signal);
  }

  private async runPromote(job: SlotJob, deploymentId: string, trigger: DeploymentTrigger, signal: AbortSignal): Promise<Deployment> {
    const deployment = this.records.require(deploymentId);
    if (this.instances.live?.deploymentId === deploymentId) return deployment;
    const running = this.instances.withDeployment(deploymentId);
    if (running) {
      const message = `switching traffic to the ${this.instances.roleOf(running)} ${running.copy} instance`;
      this.records.progress({ slotId: this.spec.id, deploymentId, commandId: job.commandId, step: 'swap', message }, job.progress);
      return this.goLive(running, deployment);
    }
    if (deployment.status === 'failed') {
      throw new BerthError('INVALID_PAYLOAD', `deployment ${deploymentId} failed, so it cannot be promoted; deploy again instead`);
    }
    return this.bringUpAgain(job, deployment.id, { deployment, request: { source: deployment.source, trigger, promote: true }, fresh: false }, signal);
  }

  /** Brings a version that ran before up again, in a working copy that still holds `holding`'s version when there is one. */
  private bringUpAgain(job: SlotJob, holding: string, plan: Pick<RunPlan, 'deployment' | 'request' | 'fresh'>, signal: AbortSignal): Promise<Deployment> {
    const copy = this.copyHolding(holding, job.spec);
    return this.bringUp(job, { ...plan, prepareSource: copy === null, promote: true, preferredCopy: copy ?? undefined }, signal);
  }

  /** A working copy that still holds this deployment's version and that can be used now. */
  private copyHolding(deploymentId: string, spec: SlotSpec): CopyName | null {
    const blueGreen = spec.traffic.mode === 'blue-green';
    const copies: CopyName[] = blueGreen ? ['blue', 'green'] : ['single'];
    const usable = copies.filter((copy) => !blueGreen || this.instances.live?.copy !== copy);
    return usable.find((copy) => this.context.store.slots.getWorkingCopy(spec.id, copy)?.deploymentId === deploymentId) ?? null;
  }

  /** The swap (SlotSwap): the instance becomes live and production; the old color drains, then stays warm or stops. */
  private goLive(instance: Instance, deployment: Deployment): Deployment {
    const promoted = this.swap.goLive(instance, deployment);
    this.setStatus('running', { ...this.liveFields(), error: null });
    return promoted;
  }

  /** What the instances say of the slot's status now: which color and deployment serve, the previews. */
  private liveFields(): Pick<SlotStatus, 'liveColor' | 'productionDeploymentId' | 'previewDeploymentIds'> {
    const live = this.instances.live;
    return {
      liveColor: live === null || live.copy === 'single' ? null : live.copy,
      productionDeploymentId: this.context.store.deployments.production(this.spec.id)?.id ?? null,
      previewDeploymentIds: this.instances.previewIds(),
    };
  }

  private keepPreview(deployment: Deployment): Deployment {
    this.setStatus(this.instances.live ? 'running' : 'available', { previewDeploymentIds: this.instances.previewIds() });
    return deployment;
  }

  /** Between deployments the live color stays watched; three failed checks restart its service. */
  private watchLive(instance: Instance): void {
    watchLiveInstance(instance, {
      unhealthy: (message) =>
        this.guard('restarting the live instance', () => {
          this.context.events.error(message, this.spec.id);
          if (this.instances.live === instance) this.setStatus('error', { error: message });
          return instance.recycle();
        }),
      recovered: (message) =>
        this.guard('reporting the live instance healthy again', () => {
          this.context.events.info(message, this.spec.id);
          if (this.instances.live === instance && this.status.status === 'error') this.setStatus('running', { error: null });
        }),
    });
  }

  private restartOnIdleColor(job: SlotJob, production: Deployment, signal: AbortSignal): Promise<Deployment> {
    const source = reproducibleSource(production);
    const request: DeployRequest = { source, trigger: job.commandId === null ? 'local' : 'server', promote: true };
    const deployment = this.records.create(
      { source, trigger: request.trigger, commandId: job.commandId, note: `restart of ${production.id}`, status: 'queued' },
      job.spec,
    );
    return this.bringUpAgain(job, production.id, { deployment, request, fresh: true }, signal);
  }

  private async runStart(job: SlotJob, signal: AbortSignal): Promise<SlotStatus> {
    if (this.instances.live) return this.statusSnapshot;
    const production = this.context.store.deployments.production(this.spec.id);
    if (!production) throw new BerthError('NOT_FOUND', `slot '${this.spec.name}' has no deployment to start yet; deploy it first`);
    await this.bringUpAgain(job, production.id, { deployment: production, request: { source: production.source, trigger: 'local', promote: true }, fresh: false }, signal);
    return this.statusSnapshot;
  }

  private async runStop(userRequested: boolean): Promise<SlotStatus> {
    if (userRequested) this.context.store.slots.setDesiredState(this.spec.id, 'stopped');
    if (this.instances.isEmpty) {
      if (this.status.status !== 'available') this.setStatus('available', { liveColor: null, previewDeploymentIds: [] });
      return this.statusSnapshot;
    }
    this.setStatus('stopping', {});
    this.swap.stopWatching();
    const target = this.traffic.unavailable(`slot ${this.spec.name} is stopped; start it or deploy to bring it back`);
    target?.stop();
    await Promise.all(this.instances.copies().map((copy) => this.stopInstance(copy)));
    this.setStatus('available', { liveColor: null, previewDeploymentIds: [], error: null });
    return this.statusSnapshot;
  }

  private async leaveBlueGreen(): Promise<void> {
    this.traffic.unavailable(`slot ${this.spec.name} is switching to single mode`)?.stop();
    await Promise.all((['blue', 'green'] as const).map((copy) => this.stopInstance(copy)));
    await this.traffic.close();
  }

  /** Stops what runs in `copy`; a warm instance going away ends the guard that would swap back to it. */
  private async stopInstance(copy: CopyName): Promise<void> {
    if (this.instances.warm?.copy === copy) this.swap.stopWatching();
    const instance = this.instances.take(copy);
    if (instance) await this.retire(instance);
  }

  /** Stops an instance that no longer serves and records its deployment as stopped. */
  private async retire(instance: Instance): Promise<void> {
    await instance.stop();
    const deployment = this.context.store.deployments.get(instance.deploymentId);
    if (deployment?.status === 'ready') this.records.update(deployment.id, { status: 'stopped' });
    if (this.status.previewDeploymentIds.includes(instance.deploymentId) || this.status.warm?.deploymentId === instance.deploymentId) {
      this.setStatus(this.status.status, { previewDeploymentIds: this.instances.previewIds() });
    }
  }

  /**
   * The restart policy gave up on a service. Only the live color makes the slot `error`; a preview,
   * a draining or a warm color fails its own deployment and the slot keeps serving as before.
   */
  private serviceGaveUp(deploymentId: string, spec: SlotSpec, message: string): void {
    const { events } = this.context;
    if (this.instances.live?.deploymentId === deploymentId) {
      events.error(message, spec.id);
      this.setStatus('error', { error: message });
      return;
    }
    const deployment = this.context.store.deployments.get(deploymentId);
    events.error(`deployment ${deploymentId}: ${message}`, spec.id);
    if (deployment?.status === 'ready') this.records.update(deploymentId, { status: 'failed', error: message });
    const instance = this.instances.withDeployment(deploymentId);
    if (instance) this.guard(`stopping the failed deployment ${deploymentId}`, () => this.stopInstance(instance.copy));
  }

  /** Work a callback started (a process exit, a timer): a throw is logged for this slot, never the end of the agent. */
  private guard(what: string, work: () => unknown): void {
    this.context.events.guard(`slot '${this.spec.name}': ${what}`, work, undefined, this.spec.id);
  }

  private setStatus(status: SlotState, changes: Partial<Omit<SlotStatus, 'status' | 'slotId'>>): void {
    if (status !== this.status.status) assertTransition(this.spec.id, this.status.status, status);
    this.status = { ...this.status, ...changes, status, warm: this.swap.warm, guard: this.swap.guard, updatedAt: new Date().toISOString() };
    this.context.store.slots.setStatus(this.spec.id, status, this.status.liveColor, this.status.error);
    this.context.events.emit('slot.status', this.statusSnapshot);
  }
}
