import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { planCommands, type CommandPlan } from '../deployments/command-plan';
import { DeploymentFailed } from '../deployments/deployment-failed';
import type { SourcePreparer } from '../deployments/source-preparer';
import { describeSource, timeoutError } from '../deployments/deployment-messages';
import { workingCopyPath } from '../deployments/working-copy';
import type { AgentEvents } from '../events';
import type { LogSubscription, LogText } from '../logs';
import { BerthError, toErrorInfo, type Deployment, type DeploymentTrigger, type SlotSpec, type SlotState, type SlotStatus, type Source } from '../protocol';
import { redactText } from '../runner';
import { specSecrets } from '../secrets';
import { asStorageError, isDiskFull, type SlotOrigin, type SlotRecord, type Store } from '../store';
import { findFreePort } from '../traffic';
import type { CopyName, Instance } from './instance';
import { launchInstance } from './instance-launcher';
import { trackProcess } from './process-tracking';
import type { SlotLogFollow, SlotLogSubscriber } from './slot-log-hub';
import { SlotDeployments } from './slot-deployments';
import { SlotLogs, type LogRequest } from './slot-logs';
import { assertTransition } from './slot-lifecycle';
import { SlotInstances } from './slot-instances';
import { SlotQueue } from './slot-queue';
import { SlotTraffic } from './slot-traffic';

export const DEFAULT_DEPLOY_TIMEOUT_MS = 60 * 60_000;

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

export interface DeployRequest {
  source: Source;
  promote?: boolean;
  note?: string | null;
  commandId?: string | null;
  trigger: DeploymentTrigger;
  batch?: { starterBranch: string; branches: string[] };
}

/** What brings a deployment up: a new one with its request, or an existing one to run again. */
interface BringUp {
  deployment: Deployment;
  request: DeployRequest;
  /** Put the deployment's source into the working copy first (false: the copy already holds it). */
  prepareSource: boolean;
  promote: boolean;
  preferredCopy?: CopyName;
  /** A new deployment fails for good; an existing one that does not come up again is only stopped. */
  fresh: boolean;
}

/**
 * One slot: its spec, status, command queue, running instances and public traffic. Every action
 * goes through the queue, so the commands on one slot run one at a time in the order received.
 */
export class SlotController {
  readonly queue = new SlotQueue();
  private readonly logs: SlotLogs;
  private readonly records: SlotDeployments;
  private readonly instances = new SlotInstances();
  private readonly traffic: SlotTraffic;
  private status: SlotStatus;

  constructor(
    private readonly context: SlotContext,
    private spec: SlotSpec,
    readonly origin: SlotOrigin,
    record: SlotRecord,
  ) {
    this.traffic = new SlotTraffic(spec.name);
    this.records = new SlotDeployments(context.store, context.events, () => this.spec);
    this.logs = new SlotLogs(context.storagePath, context.store, context.events, () => this.spec);
    this.status = {
      slotId: spec.id,
      name: spec.name,
      workspace: spec.workspace,
      // Whatever ran before this agent started is gone; restore() starts it again.
      status: record.status === 'error' ? 'error' : 'available',
      liveColor: null,
      productionDeploymentId: context.store.deployments.production(spec.id)?.id ?? null,
      previewDeploymentIds: [],
      url: spec.url ?? null,
      error: record.error,
      updatedAt: record.updatedAt,
    };
  }

  get id(): string {
    return this.spec.id;
  }

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

  replaceSpec(spec: SlotSpec): void {
    this.spec = spec;
    this.setStatus(this.status.status, { url: spec.url ?? null, name: spec.name, workspace: spec.workspace });
  }

  deploy(request: DeployRequest, jobId: string): Promise<Deployment> {
    if (request.promote === false && this.spec.traffic.mode !== 'blue-green') {
      const error = new BerthError('INVALID_PAYLOAD', `slot '${this.spec.name}' runs in single mode, with one working copy, so it cannot run a preview; deploy with promote, or switch the slot to blue-green`);
      return Promise.reject(error);
    }
    return this.queue.enqueue({
      id: jobId,
      label: 'deployment',
      // async: a refusal (or a full database) must reject the job, not throw out of the queue's pump.
      run: async (signal) => {
        this.context.storage?.assertRoomForDeployment();
        const deployment = this.records.create({
          source: request.source,
          trigger: request.trigger,
          commandId: request.commandId ?? null,
          note: request.note ?? null,
          status: 'queued',
        });
        return this.bringUp({ deployment, request, prepareSource: true, promote: request.promote ?? true, fresh: true }, signal);
      },
    });
  }

  /** Swaps a preview in, or starts an older deployment again and swaps it in (a rollback). */
  promote(deploymentId: string, jobId: string, trigger: DeploymentTrigger = 'local'): Promise<Deployment> {
    return this.queue.enqueue({ id: jobId, label: 'promotion', run: (signal) => this.runPromote(deploymentId, trigger, signal, jobId) });
  }

  /** Promotes an older deployment: by default the production deployment before the current one. */
  rollback(deploymentId: string | undefined, jobId: string): Promise<Deployment> {
    return this.queue.enqueue({
      id: jobId,
      label: 'rollback',
      run: (signal) => {
        const target = deploymentId ? this.records.require(deploymentId) : this.context.store.deployments.previousProduction(this.spec.id);
        if (!target) throw new BerthError('NOT_FOUND', `slot '${this.spec.name}' has no earlier production deployment to roll back to`);
        return this.runPromote(target.id, 'rollback', signal, jobId);
      },
    });
  }

  start(jobId: string): Promise<SlotStatus> {
    return this.queue.enqueue({ id: jobId, label: 'start', run: (signal) => this.runStart(signal, jobId) });
  }

  stop(jobId: string): Promise<SlotStatus> {
    return this.queue.enqueue({ id: jobId, label: 'stop', run: () => this.runStop(true) });
  }

  restart(jobId: string): Promise<SlotStatus> {
    return this.queue.enqueue({
      id: jobId,
      label: 'restart',
      run: async (signal) => {
        await this.runStop(true);
        return this.runStart(signal, jobId);
      },
    });
  }

  /** Agent shutdown or removal: cancels queued work and stops everything, keeping the desired state. */
  async shutdown(): Promise<void> {
    await this.queue.cancelAll('interrupted by the agent stopping');
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

  // The job id is the command id of a control-plane command, so its progress steps reach the server.
  private async runPromote(deploymentId: string, trigger: DeploymentTrigger, signal: AbortSignal, jobId: string): Promise<Deployment> {
    const deployment = this.records.require(deploymentId);
    if (this.instances.live?.deploymentId === deploymentId) return deployment;
    const preview = this.instances.withDeployment(deploymentId);
    if (preview) return this.goLive(preview, deployment);
    if (deployment.status === 'failed') {
      throw new BerthError('INVALID_PAYLOAD', `deployment ${deploymentId} failed, so it cannot be promoted; deploy again instead`);
    }
    const copy = this.copyHolding(deploymentId);
    const request: DeployRequest = { source: deployment.source, trigger, promote: true, commandId: jobId };
    return this.bringUp({ deployment, request, prepareSource: copy === null, promote: true, preferredCopy: copy ?? undefined, fresh: false }, signal);
  }

  /** A working copy that still holds this deployment's version and that can be used now. */
  private copyHolding(deploymentId: string): CopyName | null {
    const copies: CopyName[] = this.spec.traffic.mode === 'blue-green' ? ['blue', 'green'] : ['single'];
    const usable = copies.filter((copy) => this.spec.traffic.mode !== 'blue-green' || this.instances.live?.copy !== copy);
    return usable.find((copy) => this.context.store.slots.getWorkingCopy(this.spec.id, copy)?.deploymentId === deploymentId) ?? null;
  }

  private async bringUp(job: BringUp, signal: AbortSignal): Promise<Deployment> {
    const { store, events } = this.context;
    const spec = this.spec;
    const blueGreen = spec.traffic.mode === 'blue-green';
    let deployment = job.deployment;
    const trigger = job.request.trigger;
    store.deployLog.append({ slotId: spec.id, deploymentId: deployment.id, event: 'started', source: deployment.source, trigger });
    this.setStatus('deploying', { error: null });
    store.slots.setDesiredState(spec.id, 'running');
    const output = await this.logs.open(deployment.id);
    const progress = (step: string, message: string, extra: { branch?: string; outcome?: 'merged' | 'skipped' } = {}): void => {
      output.write(`\r\n\x1b[36m[berth] ${message}\x1b[0m\r\n`);
      events.emit('progress', { slotId: spec.id, deploymentId: deployment.id, commandId: job.request.commandId ?? null, step, message, ...extra });
    };
    const deadline = spec.template.deployTimeoutMs ?? DEFAULT_DEPLOY_TIMEOUT_MS;
    const guarded = AbortSignal.any([signal, AbortSignal.timeout(deadline), output.diskFull]);
    try {
      if (blueGreen) await this.traffic.listen(spec.traffic.publicPort!, this.context.publicHost());
      const copy = job.preferredCopy ?? (blueGreen ? this.instances.idleColor(store.deployments.production(spec.id)?.color ?? null) : 'single');
      if (copy !== 'single') await this.traffic.drained(copy);
      const port = blueGreen || spec.traffic.publicPort === undefined ? await this.freePort() : spec.traffic.publicPort;
      const workdir = workingCopyPath(this.context.storagePath, spec, copy);
      const plan = this.plan(workdir, port, copy, deployment.id, job.request);
      deployment = this.records.update(deployment.id, { status: 'preparing', port, color: copy === 'single' ? null : copy, error: null });
      if (this.instances.get(copy)) {
        progress('stop', copy === 'single' ? 'stopping the running version to replace it' : `stopping the ${copy} preview to reuse its working copy`);
        await this.stopInstance(copy);
      }
      if (job.prepareSource) {
        // An existing deployment comes back exactly as it was: its snapshot or its commit, never
        // what its folder or branch holds today.
        const from = job.fresh ? deployment.source : reproducibleSource(deployment);
        progress('source', describeSource(from));
        mkdirSync(workdir, { recursive: true });
        const prepared = await this.context.sources.prepare({
          spec,
          source: from,
          workdir,
          batch: job.request.batch,
          signal: guarded,
          onProgress: (step) => progress(step.step, step.message, { branch: step.branch, outcome: step.outcome }),
        });
        if (job.fresh) {
          deployment = this.records.update(deployment.id, {
            source: prepared.source,
            contentHash: prepared.contentHash,
            commitSubject: prepared.commitSubject,
            ...(prepared.merged ? { merged: prepared.merged, skipped: prepared.skipped ?? [] } : {}),
          });
        }
        store.slots.setWorkingCopyDeployment(spec.id, copy, deployment.id);
      }
      deployment = this.records.update(deployment.id, { status: 'building' });
      const instance = await launchInstance({
        store,
        spec,
        deploymentId: deployment.id,
        copy,
        workdir,
        port,
        plan,
        output,
        signal: guarded,
        progress,
        onStarting: () => (deployment = this.records.update(deployment.id, { status: 'starting' })),
        track: (process) =>
          void trackProcess(this.context.store.processes, process, this.spec.id, deployment.id, (error) =>
            this.context.events.warn(`could not record process ${process.pid} for cleanup after a crash: ${(error as Error).message}`, this.spec.id),
          ),
        onServiceGaveUp: (label, exitCode, lastLines) => this.onServiceGaveUp(label, exitCode, lastLines),
        onStopped: () => this.logs.closed(deployment.id, output),
      });
      this.instances.add(instance);
      deployment = this.records.update(deployment.id, { status: 'ready' });
      if (job.promote && blueGreen) progress('swap', `switching traffic to ${copy}`);
      if (job.promote) deployment = this.goLive(instance, deployment);
      else this.setStatus(this.instances.live ? 'running' : 'available', { previewDeploymentIds: this.instances.previewIds() });
      store.deployLog.append({ slotId: spec.id, deploymentId: deployment.id, event: 'ready', source: deployment.source, trigger });
      progress('ready', job.promote ? `deployment ${deployment.id} is live` : `preview ${deployment.id} is ready on http://127.0.0.1:${port}`);
      void this.logs.prune(this.instances.deploymentIds());
      return deployment;
    } catch (error) {
      const timedOut = guarded.aborted && !signal.aborted && !output.diskFull.aborted;
      // A full disk first gives back the reserved room, so that the failure itself can be recorded.
      const cause: unknown = output.diskFull.aborted ? output.diskFull.reason : asStorageError(error, this.context.storagePath);
      if (isDiskFull(cause)) this.context.storage?.diskFull();
      const info = toErrorInfo(timedOut ? timeoutError(deadline) : cause);
      const message = redactText(info.message, specSecrets(spec));
      output.write(`\r\n\x1b[31m[berth] deployment failed: ${message}\x1b[0m\r\n`);
      await this.logs.close(deployment.id, output);
      deployment = this.records.update(deployment.id, { status: job.fresh ? 'failed' : 'stopped', error: message });
      store.deployLog.append({ slotId: spec.id, deploymentId: deployment.id, event: info.code === 'CANCELLED' ? 'cancelled' : 'failed', source: deployment.source, trigger, error: message });
      this.setStatus(this.instances.live ? 'running' : 'error', { error: message });
      void this.logs.prune(this.instances.deploymentIds());
      throw new DeploymentFailed(info.code, message, deployment);
    }
  }

  /** The swap: the instance becomes live, the database says so in one transaction, the old color drains. */
  private goLive(instance: Instance, deployment: Deployment): Deployment {
    const previous = this.instances.makeLive(instance);
    const previousTarget = instance.copy === 'single' ? null : this.traffic.swap(instance.copy, instance.port, instance.deploymentId);
    const promoted = this.records.promote(deployment.id);
    previous?.stopWatch();
    this.watchLive(instance);
    if (previous) {
      const stopOld = (): Promise<void> => this.retire(previous);
      if (previousTarget) void this.traffic.drainThenStop(previousTarget, this.spec.traffic.drainTimeoutMs, stopOld);
      else void stopOld();
    }
    this.setStatus('running', {
      liveColor: instance.copy === 'single' ? null : instance.copy,
      productionDeploymentId: promoted.id,
      previewDeploymentIds: this.instances.previewIds(),
      error: null,
    });
    return promoted;
  }

  /** Between deployments the live color stays watched; three failed checks restart its service. */
  private watchLive(instance: Instance): void {
    const { traffic } = this.spec;
    if (traffic.mode !== 'blue-green' && traffic.publicPort === undefined && !traffic.healthCheck.path) return;
    const color = instance.copy === 'single' ? '' : ` (${instance.copy})`;
    instance.startWatch(traffic.healthCheck.path, traffic.healthCheck.expectStatus, traffic.healthCheck.watchIntervalMs, {
      onUnhealthy: (reason) => {
        const message = `the live instance${color} stopped answering its health check: ${reason}; its service is being restarted`;
        this.context.events.error(message, this.spec.id);
        if (this.instances.live === instance) this.setStatus('error', { error: message });
        void instance.recycle();
      },
      onRecovered: () => {
        this.context.events.info(`the live instance${color} is healthy again`, this.spec.id);
        if (this.instances.live === instance && this.status.status === 'error') this.setStatus('running', { error: null });
      },
    });
  }

  private async runStart(signal: AbortSignal, jobId: string): Promise<SlotStatus> {
    if (this.instances.live) return this.statusSnapshot;
    const production = this.context.store.deployments.production(this.spec.id);
    if (!production) throw new BerthError('NOT_FOUND', `slot '${this.spec.name}' has no deployment to start yet; deploy it first`);
    const copy = this.copyHolding(production.id);
    const request: DeployRequest = { source: production.source, trigger: 'local', promote: true, commandId: jobId };
    await this.bringUp({ deployment: production, request, prepareSource: copy === null, promote: true, preferredCopy: copy ?? undefined, fresh: false }, signal);
    return this.statusSnapshot;
  }

  private async runStop(userRequested: boolean): Promise<SlotStatus> {
    if (userRequested) this.context.store.slots.setDesiredState(this.spec.id, 'stopped');
    if (this.instances.isEmpty) {
      if (this.status.status !== 'available') this.setStatus('available', { liveColor: null, previewDeploymentIds: [] });
      return this.statusSnapshot;
    }
    this.setStatus('stopping', {});
    const target = this.traffic.unavailable(`slot ${this.spec.name} is stopped; start it or deploy to bring it back`);
    target?.stop();
    await Promise.all(this.instances.copies().map((copy) => this.stopInstance(copy)));
    this.setStatus('available', { liveColor: null, previewDeploymentIds: [], error: null });
    return this.statusSnapshot;
  }

  private async stopInstance(copy: CopyName): Promise<void> {
    const instance = this.instances.take(copy);
    if (instance) await this.retire(instance);
  }

  /** Stops an instance that no longer serves and records its deployment as stopped. */
  private async retire(instance: Instance): Promise<void> {
    await instance.stop();
    const deployment = this.context.store.deployments.get(instance.deploymentId);
    if (deployment?.status === 'ready') this.records.update(deployment.id, { status: 'stopped' });
    if (this.status.previewDeploymentIds.includes(instance.deploymentId)) {
      this.setStatus(this.status.status, { previewDeploymentIds: this.instances.previewIds() });
    }
  }

  private onServiceGaveUp(label: string, exitCode: number, lastLines: string): void {
    const message = redactText(
      `service '${label}' exited with code ${exitCode} and was restarted 3 times in 5 minutes; it stays down. Last lines:\n${lastLines}`,
      specSecrets(this.spec),
    );
    this.context.events.error(message, this.spec.id);
    this.setStatus('error', { error: message });
  }

  private plan(workdir: string, port: number, copy: CopyName, deploymentId: string, request: DeployRequest): CommandPlan {
    const scriptDir = join(this.context.storagePath, 'tmp', 'scripts');
    return planCommands({
      spec: this.spec,
      storagePath: this.context.storagePath,
      workdir,
      scriptDir,
      port,
      color: copy,
      deploymentId,
      gitBranch: request.source.kind === 'git' ? request.source.branch : request.batch?.starterBranch,
      starterBranch: request.batch?.starterBranch,
    });
  }

  private freePort(): Promise<number> {
    const publicPort = this.spec.traffic.publicPort;
    return findFreePort({ range: this.context.colorPortRange(), exclude: publicPort === undefined ? [] : [publicPort] });
  }

  private setStatus(status: SlotState, changes: Partial<Omit<SlotStatus, 'status' | 'slotId'>>): void {
    if (status !== this.status.status) assertTransition(this.spec.id, this.status.status, status);
    this.status = { ...this.status, ...changes, status, updatedAt: new Date().toISOString() };
    this.context.store.slots.setStatus(this.spec.id, status, this.status.liveColor, this.status.error);
    this.context.events.emit('slot.status', this.statusSnapshot);
  }
}

/** The source that brings back exactly this deployment's version. */
function reproducibleSource(deployment: Deployment): Source {
  if (deployment.contentHash) return { kind: 'snapshot', contentHash: deployment.contentHash };
  return deployment.source;
}
