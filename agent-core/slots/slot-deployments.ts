import { assertDeploymentMove } from '../deployments/deployment-lifecycle';
import { secretFreeSpec, specChanges } from '../deployments/spec-changes';
import type { AgentEvents, ProgressEvent } from '../events';
import { BerthError, type Deployment, type DeploymentTrigger, type SlotSpec } from '../protocol';
import type { DeployLogEvent, NewDeployment, Store } from '../store';

type DeploymentChanges = Parameters<Store['deployments']['update']>[1];

/**
 * One slot's deployment records: every change is stored, then reported as a `deployment.update`;
 * a status change must be a move the deployment lifecycle allows, or it throws before writing.
 */
export class SlotDeployments {
  constructor(
    private readonly store: Store,
    private readonly events: AgentEvents,
    private readonly spec: () => SlotSpec,
  ) {}

  /** A new deployment with the secret-free spec it runs with, and what changed since the one before. */
  create(deployment: Omit<NewDeployment, 'slotId' | 'specJson' | 'changes'>, spec: SlotSpec): Deployment {
    const slotId = this.spec().id;
    const stored = secretFreeSpec(spec);
    const previous = this.store.deployments.lastSpecJson(slotId);
    const changes = specChanges(previous === null ? null : (JSON.parse(previous) as SlotSpec), stored);
    return this.publish(this.store.deployments.insert({ ...deployment, slotId, specJson: JSON.stringify(stored), changes }));
  }

  update(id: string, changes: DeploymentChanges): Deployment {
    if (changes.status !== undefined) {
      const current = this.require(id);
      if (current.status !== changes.status) assertDeploymentMove(id, current.status, changes.status);
    }
    return this.publish(this.store.deployments.update(id, changes));
  }

  /** One transaction: the old production loses the flag, this one gets it; both are reported. */
  promote(id: string): Deployment {
    const slotId = this.spec().id;
    const previous = this.store.deployments.production(slotId);
    const promoted = this.publish(this.store.deployments.promote(slotId, id));
    if (previous && previous.id !== id) this.publish(this.store.deployments.get(previous.id)!);
    return promoted;
  }

  /** The slot's append-only history: a deployment started, became ready, failed or was cancelled. */
  logEvent(deployment: Deployment, event: DeployLogEvent, trigger: DeploymentTrigger, error?: string): void {
    this.store.deployLog.append({ slotId: deployment.slotId, deploymentId: deployment.id, event, source: deployment.source, trigger, ...(error !== undefined ? { error } : {}) });
  }

  /** A step of a running deployment, for the window and the CLI, and for the job's own sink (the control plane's `progress`). */
  progress(event: ProgressEvent, sink?: (event: ProgressEvent) => void): void {
    this.events.emit('progress', event);
    sink?.(event);
  }

  /** Newest first, soft-deleted ones left out. */
  list(): Deployment[] {
    return this.store.deployments.listForSlot(this.spec().id);
  }

  softDelete(id: string): Deployment {
    this.require(id);
    return this.publish(this.store.deployments.softDelete(this.spec().id, id));
  }

  require(id: string): Deployment {
    const spec = this.spec();
    const deployment = this.store.deployments.get(id);
    if (!deployment || deployment.slotId !== spec.id) throw new BerthError('NOT_FOUND', `slot '${spec.name}' has no deployment ${id}`);
    return deployment;
  }

  private publish(deployment: Deployment): Deployment {
    this.events.emit('deployment.update', deployment);
    return deployment;
  }
}
