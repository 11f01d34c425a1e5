import { EventEmitter } from 'node:events';
import { freeBytes } from '../connection/host-status';
import type { AgentEvents } from '../events';
import type { Deployment, SlotStatus } from '../protocol';
import type { Alert, AlertEvent } from './alert';
import { WebhookSender } from './webhook-sender';

export const LOW_STORAGE_BYTES = 5 * 1024 ** 3;
export const FAILURES_IN_A_ROW = 3;
const STORAGE_CHECK_MS = 10 * 60_000;
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
  /** Free bytes on the storage path's file system; injectable for tests. */
  freeBytes?(path: string): Promise<number>;
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
  private timer: NodeJS.Timeout | null = null;
  private readonly onDeployment = (deployment: Deployment): void => this.deploymentChanged(deployment);
  private readonly onStatus = (status: SlotStatus): void => this.statusChanged(status);

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
    this.timer = setInterval(() => void this.checkStorage(), STORAGE_CHECK_MS);
    this.timer.unref();
    void this.checkStorage();
  }

  stop(): void {
    this.options.events.off('deployment.update', this.onDeployment);
    this.options.events.off('slot.status', this.onStatus);
    if (this.timer) clearInterval(this.timer);
    this.sender.stop();
  }

  /** Checks free space now; also runs every 10 minutes and after each deployment. */
  async checkStorage(): Promise<void> {
    let free: number;
    try {
      free = await (this.options.freeBytes ?? freeBytes)(this.options.storagePath);
    } catch {
      return;
    }
    const low = free < LOW_STORAGE_BYTES;
    if (low && !this.storageLow) {
      const gb = (free / 1024 ** 3).toFixed(1);
      this.raise('storage.low', null, null, `only ${gb} GB free on the disk holding ${this.options.storagePath}; deployments may fail. Free some space or delete old deployments`);
    }
    this.storageLow = low;
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
    void this.checkStorage();
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
