import type { AgentEvents } from '../events';
import { DeploymentOutput, deploymentLogPath, finishedLog, logText, pruneLogs, readLogRange, slotLogDir, type LogSubscription, type LogText } from '../logs';
import { BerthError, type Deployment, type SlotSpec } from '../protocol';
import { specSecrets } from '../secrets';
import type { Store } from '../store';
import { SlotLogHub, type SlotLogFollow, type SlotLogSubscriber } from './slot-log-hub';

const KEPT_LOGS = 20;

export interface LogRequest {
  deploymentId?: string;
  which?: 'failure' | 'latest';
  tailBytes?: number;
}

/** A slot's deployment logs: opening them redacted, reading them back, streaming them live, pruning old ones. */
export class SlotLogs {
  private readonly hub = new SlotLogHub();

  constructor(
    private readonly storagePath: string,
    private readonly store: Store,
    private readonly events: AgentEvents,
    private readonly spec: () => SlotSpec,
  ) {}

  /** The deployment's log, opened (redacting the secrets of the spec it runs with); one that is open already (a restart while the old instance drains) is shared. */
  async open(deploymentId: string, spec: SlotSpec = this.spec()): Promise<DeploymentOutput> {
    const open = this.hub.output(deploymentId);
    if (open?.retain()) return open;
    const output = await DeploymentOutput.open({ storagePath: this.storagePath, slotId: spec.id, deploymentId, secrets: specSecrets(spec) });
    this.hub.attach(deploymentId, output);
    return output;
  }

  /** The deployment's output is complete: later readers no longer follow it. */
  closed(deploymentId: string, output: DeploymentOutput): void {
    if (output.closed) this.hub.detach(deploymentId, output);
  }

  async close(deploymentId: string, output: DeploymentOutput): Promise<void> {
    await output.close();
    this.closed(deploymentId, output);
  }

  /**
   * A deployment's log: the given one (`deployment`), the latest, or the last failed one. A log being
   * written is read with its output not yet on disk, so the read never lags behind the live stream.
   */
  async read(request: LogRequest, deployment: Deployment | null): Promise<{ deploymentId: string } & LogText> {
    const spec = this.spec();
    const chosen =
      deployment ??
      (request.which === 'failure' ? this.store.deployments.lastFailed(spec.id) : (this.store.deployments.listForSlot(spec.id)[0] ?? null));
    if (!chosen) {
      const what = request.which === 'failure' ? 'no failed deployment' : 'no deployment yet';
      throw new BerthError('LOG_NOT_AVAILABLE', `slot '${spec.name}' has ${what}, so there is no log to show`);
    }
    const tailBytes = request.tailBytes ?? Number.MAX_SAFE_INTEGER;
    const output = this.hub.output(chosen.id);
    const range = output ? await output.read(null, tailBytes) : await readLogRange(this.path(chosen.id), null, tailBytes);
    return { deploymentId: chosen.id, ...logText(range) };
  }

  subscribe(subscriber: SlotLogSubscriber, follow: SlotLogFollow = {}): LogSubscription {
    return this.hub.subscribe(subscriber, follow, (deploymentId) => finishedLog(this.path(deploymentId)));
  }

  private path(deploymentId: string): string {
    return deploymentLogPath(this.storagePath, this.spec().id, deploymentId);
  }

  /** Keeps the newest deployments' logs, the last failure's and the running ones', so a chatty slot never fills the disk. */
  async prune(running: readonly string[]): Promise<void> {
    const { deployments } = this.store;
    const slotId = this.spec().id;
    const keep = deployments
      .listForSlot(slotId, { includeDeleted: true })
      .slice(0, KEPT_LOGS)
      .map((deployment) => deployment.id);
    const lastFailed = deployments.lastFailed(slotId);
    if (lastFailed) keep.push(lastFailed.id);
    keep.push(...running);
    await pruneLogs(slotLogDir(this.storagePath, slotId), { keep }).catch((error: Error) => this.events.warn(`could not prune old logs: ${error.message}`, slotId));
  }
}
