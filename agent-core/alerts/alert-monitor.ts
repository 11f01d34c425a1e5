import { EventEmitter } from 'node:events';
import type { AgentEvents } from '../events';
import type { Deployment, SlotStatus } from '../protocol';
import type { StorageSpace, StorageState } from '../store';
import type { Alert, AlertEvent } from './alert';
import { WebhookSender } from './webhook-sender';

export const FAILURES_IN_A_ROW = 3;
const REMEMBERED_DEPLOYMENTS = 1_000;

export interface AlertMonitorOptions {
  events: AgentEvents;
  storagePath: string;
  /** The host's name now. */
  hostName(): string;
  /** The webhook URL now, or null for none. */
  webhookUrl(): string | null;
  /** `workspace/name` of a slot, or null when the host does not know it. */
  slotLabel(slotId: string): string | null;
  /** The storage disk's free space: an alert when it goes under the floor, another when it is back. */
  storage: Pick<StorageSpace, 'on' | 'off' | 'check'>;
  sender?: WebhookSender;
}

/**
 * Watches the agent's events for what a person should hear about even with the window closed:
 * a failed deployment, a slot in error, three failed deployments in a row, storage running out.
 * Each alert is emitted as `alert` (for the window) and POSTed to the webhook.
 */
export class AlertMonitor extends EventEmitter<{ alert: [Alert] }> {
  private readonly sender: WebhookSender;
  /** The error of each slot's last failed deployment: the slot going to error with it is the same news. */
  private readonly lastFailure = new Map<string, string | null>();
  private readonly settledDeployments = new Set<string>();
  private readonly failuresInARow = new Map<string, number>();
  private readonly slotInError = new Set<string>();
  private storageLow = false;
  private readonly onStorage = (state: StorageState): void => this.storageChanged(state);
  private readonly onDeployment = (deployment: Deployment): void => this.deploymentChanged(deployment);
  private readonly onStatus = (status: SlotStatus): void => this.statusChanged(status);
  private readonly onGuardTripped = (trip: { slotId: string; deploymentId: string; message: string }): void => this.guardTripped(trip);

  constructor(private readonly options: AlertMonitorOptions) {
    super();
    this.sender =
      options.sender ??
      new WebhookSender({
        url: options.webhookUrl,
        onGaveUp: (alert, reason) => options.events.warn(`could not deliver the alert "${alert.message.split('\n')[0]}" to the webhook: ${reason}`),
      });
  }

  start(): void {
    this.options.events.on('deployment.update', this.onDeployment);
    this.options.events.on('slot.status', this.onStatus);
    this.options.events.on('guard.tripped', this.onGuardTripped);
    this.options.storage.on('change', this.onStorage);
  }

  stop(): void {
    this.options.events.off('deployment.update', this.onDeployment);
    this.options.events.off('slot.status', this.onStatus);
    this.options.events.off('guard.tripped', this.onGuardTripped);
    this.options.storage.off('change', this.onStorage);
    this.sender.stop();
  }

  /** One alert when the disk goes under its floor (or fills), one more when the space is back. */
  private storageChanged(state: StorageState): void {
    if (state.low === this.storageLow) return;
    this.storageLow = state.low;
    if (state.low) this.raise('storage.low', null, null, state.message ?? `the disk holding ${this.options.storagePath} is low on space`);
    else this.raise('storage.ok', null, null, `the disk holding ${this.options.storagePath} has room again; deployments can start`);
  }

  /** A guarded swap went back by itself: that alert says so, and the deployment's failure that follows is the same news. */
  private guardTripped({ slotId, deploymentId, message }: { slotId: string; deploymentId: string; message: string }): void {
    remember(this.settledDeployments, `${deploymentId}:failed`);
    const slot = this.options.slotLabel(slotId);
    this.raise('guard.tripped', slot, deploymentId, `deployment ${deploymentId} of ${slot ?? slotId} was swapped out: ${message}`);
  }

  private deploymentChanged(deployment: Deployment): void {
    if (deployment.status !== 'failed' && deployment.status !== 'ready') return;
    // Keyed by status too: a ready preview whose service later gives up fails, and that is news.
    const key = `${deployment.id}:${deployment.status}`;
    if (this.settledDeployments.has(key)) return;
    remember(this.settledDeployments, key);
    const slot = this.options.slotLabel(deployment.slotId);
    if (deployment.status === 'ready') {
      this.failuresInARow.delete(deployment.slotId);
      this.lastFailure.delete(deployment.slotId);
    } else {
      this.lastFailure.set(deployment.slotId, deployment.error);
      const count = (this.failuresInARow.get(deployment.slotId) ?? 0) + 1;
      this.failuresInARow.set(deployment.slotId, count);
      this.raise('deployment.failed', slot, deployment.id, `deployment ${deployment.id} of ${slot ?? deployment.slotId} failed: ${deployment.error ?? 'no reason recorded'}`);
      if (count === FAILURES_IN_A_ROW) {
        this.raise('deployments.failing', slot, deployment.id, `the last ${FAILURES_IN_A_ROW} deployments of ${slot ?? deployment.slotId} failed in a row`);
      }
    }
    this.options.storage.check();
  }

  private statusChanged(status: SlotStatus): void {
    if (status.status !== 'error') {
      this.slotInError.delete(status.slotId);
      return;
    }
    if (this.slotInError.has(status.slotId)) return;
    this.slotInError.add(status.slotId);
    if (this.lastFailure.has(status.slotId) && this.lastFailure.get(status.slotId) === status.error) return;
    this.raise('slot.error', `${status.workspace}/${status.name}`, status.productionDeploymentId, `slot ${status.workspace}/${status.name} is in error: ${status.error ?? 'no reason recorded'}`);
  }

  private raise(event: AlertEvent, slot: string | null, deployment: string | null, message: string): void {
    const alert: Alert = { event, host: this.options.hostName(), slot, deployment, message };
    this.emit('alert', alert);
    this.sender.send(alert);
  }
}

function remember(set: Set<string>, id: string): void {
  set.add(id);
  if (set.size > REMEMBERED_DEPLOYMENTS) set.delete(set.values().next().value!);
}
