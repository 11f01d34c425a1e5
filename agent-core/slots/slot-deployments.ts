import type { AgentEvents } from '../events';
import { BerthError, type Deployment, type SlotSpec } from '../protocol';
import type { NewDeployment, Store } from '../store';

type DeploymentChanges = Parameters<Store['deployments']['update']>[1];

/** One slot's deployment records: every change is stored, then reported as a `deployment.update`. */
export class SlotDeployments {
  constructor(
    private readonly store: Store,
    private readonly events: AgentEvents,
    private readonly spec: () => SlotSpec,
  ) {}

  create(deployment: Omit<NewDeployment, 'slotId'>): Deployment {
    return this.publish(this.store.deployments.insert({ ...deployment, slotId: this.spec().id }));
  }

  update(id: string, changes: DeploymentChanges): Deployment {
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
