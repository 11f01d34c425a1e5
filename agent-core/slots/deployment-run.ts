import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { planCommands, type CommandPlan } from '../deployments/command-plan';
import { DeploymentFailed } from '../deployments/deployment-failed';
import { describeSource, timeoutError } from '../deployments/deployment-messages';
import type { SourcePreparer } from '../deployments/source-preparer';
import { workingCopyPath } from '../deployments/working-copy';
import type { DeploymentOutput } from '../logs';
import { BerthError, toErrorInfo, type CommandStep, type Deployment, type DeploymentState, type DeploymentTrigger, type SlotSpec, type Source } from '../protocol';
import { redactText } from '../runner';
import { specSecrets } from '../secrets';
import { asStorageError, isDiskFull, type Store } from '../store';
import { assertPortFree, claimFreePort, type PortClaim } from '../traffic';
import type { CopyName, Instance } from './instance';
import { launchInstance } from './instance-launcher';
import { trackProcess } from './process-tracking';
import type { SlotDeployments } from './slot-deployments';
import type { SlotInstances } from './slot-instances';
import type { SlotJob } from './slot-job';
import type { SlotLogs } from './slot-logs';
import type { SlotTraffic } from './slot-traffic';
import { afterHandover } from './working-copy-handover';

export const DEFAULT_DEPLOY_TIMEOUT_MS = 60 * 60_000;

export interface DeployRequest {
  source: Source;
  promote?: boolean;
  note?: string | null;
  trigger: DeploymentTrigger;
  batch?: { starterBranch: string; branches: string[] };
}

/** What one run brings up: a new deployment with its request, or an existing one to run again. */
export interface RunPlan {
  deployment: Deployment;
  request: DeployRequest;
  /** Put the deployment's source into the working copy first (false: the copy already holds it). */
  prepareSource: boolean;
  promote: boolean;
  preferredCopy?: CopyName;
  /** A new deployment fails for good; an existing one that does not come up again is only stopped. */
  fresh: boolean;
}

/** The parts of its slot a deployment works with, and what it tells the slot. */
export interface DeploymentSlot {
  storagePath: string;
  /** The storage disk: a write that found it full gives back the reserved room, so the failure can be recorded. */
  storage?: { diskFull(): void };
  store: Store;
  sources: SourcePreparer;
  records: SlotDeployments;
  logs: SlotLogs;
  traffic: SlotTraffic;
  instances: SlotInstances;
  colorPortRange(): [number, number];
  publicHost(): string;
  /**
   * The slot shows a deployment under way, and the guard of its last swap ends: swapping back
   * while this deployment picks its color could hand it the live one.
   */
  deploying(): void;
  /** Stops both colors and closes the proxy: the slot leaves blue-green. */
  leaveBlueGreen(): Promise<void>;
  /** Stops what runs in `copy`, so this deployment can use the working copy. */
  stopCopy(copy: CopyName): Promise<void>;
  /** The new instance is up: the slot makes it live (the swap) or keeps it as a preview. */
  arrived(instance: Instance, deployment: Deployment, promote: boolean): Deployment;
  /** The deployment failed; the slot's status follows what is still live. */
  failed(message: string): void;
  /** A service of a running instance stopped for good under the restart policy. */
  serviceGaveUp(deploymentId: string, spec: SlotSpec, message: string): void;
  /** Runs work from a callback (a process exit, a timer) so that a throw is logged and never ends the agent. */
  guard(what: string, work: () => unknown): void;
}

/**
 * One deployment from queued to ready or failed, read top to bottom in `run`: pick the working
 * copy and port, prepare the source, run the initial and startup commands, health-check, go live.
 * It runs with the spec its job carried, never the slot's newer one, and every status it writes
 * goes through the deployment lifecycle table (SlotDeployments checks each move).
 */
export class DeploymentRun {
  private deployment: Deployment;
  private output: DeploymentOutput | null = null;

  constructor(
    private readonly slot: DeploymentSlot,
    private readonly job: SlotJob,
    private readonly plan: RunPlan,
  ) {
    this.deployment = plan.deployment;
  }

  private get spec(): SlotSpec {
    return this.job.spec;
  }

  async run(signal: AbortSignal): Promise<Deployment> {
    const { slot, spec, plan } = this;
    const blueGreen = spec.traffic.mode === 'blue-green';
    slot.records.logEvent(this.deployment, 'started', plan.request.trigger);
    slot.deploying();
    slot.store.slots.setDesiredState(spec.id, 'running');
    this.output = await slot.logs.open(this.deployment.id, spec);
    const deadline = spec.template.deployTimeoutMs ?? DEFAULT_DEPLOY_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(deadline);
    const guarded = AbortSignal.any([signal, timeout, this.output.diskFull]);
    // Held from its choice until the startup commands run, so that nothing else takes it meanwhile.
    let claim: PortClaim | null = null;
    try {
      // 1. Where it runs: the idle color (after its drain) or the single working copy, and a port.
      await this.switchMode(blueGreen);
      if (blueGreen) await slot.traffic.listen(spec.traffic.publicPort!, slot.publicHost());
      const copy = plan.preferredCopy ?? (blueGreen ? slot.instances.idleColor(slot.store.deployments.production(spec.id)?.color ?? null) : 'single');
      if (copy !== 'single') await slot.traffic.drained(copy);
      claim = blueGreen || spec.traffic.publicPort === undefined ? await this.claimPort() : null;
      const port = claim?.port ?? spec.traffic.publicPort!;
      const workdir = workingCopyPath(slot.storagePath, spec, copy);
      const commands = this.commandPlan(workdir, port, copy);
      this.move('preparing', { port, color: copy === 'single' ? null : copy, error: null });
      const occupant = slot.instances.get(copy);
      let workingCopyFree: Promise<void> = Promise.resolve();
      if (occupant) {
        const what = copy === 'single' ? 'the running version' : `the ${slot.instances.roleOf(occupant)} ${copy} instance`;
        this.progress('stop', `stopping ${what} to reuse its working copy`);
        workingCopyFree = slot.stopCopy(copy);
      }
      // 2. The code: checkout, batch merge or snapshot. The fetch (into the shared store) runs while
      // the old instance stops; nothing writes into the working copy before it is free.
      if (plan.prepareSource) await this.prepareSource(copy, workdir, guarded, workingCopyFree);
      else await workingCopyFree;
      // 3. The commands, the services and the health check, which only the new instance may answer.
      if (!blueGreen && spec.traffic.publicPort !== undefined) await assertPortFree(port);
      this.move('building');
      const instance = await launchInstance({
        store: slot.store,
        spec,
        deploymentId: this.deployment.id,
        copy,
        workdir,
        port,
        plan: commands,
        output: this.output,
        signal: guarded,
        progress: (step, message, extra) => this.progress(step, message, extra),
        beforeStartup: () => claim?.release(),
        onStarting: () => this.move('starting'),
        track: (process) => slot.guard(`recording process ${process.pid}`, () => trackProcess(slot.store.processes, process, spec.id, this.deployment.id, slot.guard)),
        onServiceGaveUp: (message) => slot.serviceGaveUp(this.deployment.id, spec, message),
        onStopped: () => slot.logs.closed(this.deployment.id, this.output!),
      });
      // 4. Live or preview.
      slot.instances.add(instance);
      this.move('ready');
      if (plan.promote && blueGreen) this.progress('swap', `switching traffic to ${copy}`);
      this.deployment = slot.arrived(instance, this.deployment, plan.promote);
      slot.records.logEvent(this.deployment, 'ready', plan.request.trigger);
      this.progress('ready', plan.promote ? `deployment ${this.deployment.id} is live` : `preview ${this.deployment.id} is ready on http://127.0.0.1:${port}`);
      void slot.logs.prune(slot.instances.deploymentIds());
      return this.deployment;
    } catch (error) {
      const cause = failureCause(error, signal, timeout, deadline, this.output.diskFull, slot.storagePath);
      if (isDiskFull(cause)) slot.storage?.diskFull();
      throw await this.fail(cause);
    } finally {
      await claim?.release();
    }
  }

  /**
   * A slot that changes mode frees its public port first: single mode tears the proxy and both
   * colors down, blue-green stops the single-mode version, so the port is free for the new side.
   */
  private async switchMode(blueGreen: boolean): Promise<void> {
    const { slot } = this;
    if (blueGreen && slot.instances.get('single')) {
      this.progress('stop', 'switching to blue-green: stopping the single-mode version to free the public port');
      await slot.stopCopy('single');
    } else if (!blueGreen && slot.traffic.isListening) {
      this.progress('stop', 'switching to single mode: stopping blue, green and the proxy');
      await slot.leaveBlueGreen();
    }
  }

  private async prepareSource(copy: CopyName, workdir: string, signal: AbortSignal, workingCopyFree: Promise<void>): Promise<void> {
    const { slot, spec, plan } = this;
    // An existing deployment comes back exactly as it was: its snapshot or its commit, never what
    // its folder or branch holds today.
    const from = plan.fresh ? this.deployment.source : reproducibleSource(this.deployment);
    this.progress('source', describeSource(from));
    // An async step, so that even a throw before the preparer's first await waits for the stop.
    const preparing = (async () => {
      mkdirSync(workdir, { recursive: true });
      return slot.sources.prepare({
        spec,
        source: from,
        workdir,
        workingCopyFree,
        batch: plan.request.batch,
        signal,
        onProgress: (step) => this.progress(step.step, step.message, { branch: step.branch, outcome: step.outcome }),
      });
    })();
    const prepared = await afterHandover(workingCopyFree, preparing);
    if (plan.fresh) {
      this.deployment = slot.records.update(this.deployment.id, {
        source: prepared.source,
        contentHash: prepared.contentHash,
        commitSubject: prepared.commitSubject,
        ...(prepared.merged ? { merged: prepared.merged, skipped: prepared.skipped ?? [] } : {}),
      });
    }
    slot.store.slots.setWorkingCopyDeployment(spec.id, copy, this.deployment.id);
  }

  /** Records the failure (redacted) in the log and the deployment, and returns the error to throw. */
  private async fail(error: unknown): Promise<DeploymentFailed> {
    const { slot, plan } = this;
    const info = toErrorInfo(error);
    const message = redactText(info.message, specSecrets(this.spec));
    if (this.output) {
      this.output.write(`\r\n\x1b[31m[berth] deployment failed: ${message}\x1b[0m\r\n`);
      await slot.logs.close(this.deployment.id, this.output);
    }
    this.move(plan.fresh ? 'failed' : 'stopped', { error: message, errorCode: info.code });
    slot.records.logEvent(this.deployment, info.code === 'CANCELLED' ? 'cancelled' : 'failed', plan.request.trigger, message);
    slot.failed(message);
    void slot.logs.prune(slot.instances.deploymentIds());
    return new DeploymentFailed(info.code, message, this.deployment);
  }

  private move(status: DeploymentState, changes: Parameters<SlotDeployments['update']>[1] = {}): void {
    this.deployment = this.slot.records.update(this.deployment.id, { ...changes, status });
  }

  private progress(step: string, message: string, extra: { branch?: string; outcome?: 'merged' | 'skipped'; command?: CommandStep } = {}): void {
    // A command's start is in the log already, as the runner's `▶ name` line.
    if (extra.command === undefined) this.output?.write(`\r\n\x1b[36m[berth] ${message}\x1b[0m\r\n`);
    // A local job's steps carry its id, the one its client gave, so that the client follows only its own.
    const event = { slotId: this.spec.id, deploymentId: this.deployment.id, commandId: this.job.commandId ?? this.job.id, step, message, ...extra };
    this.slot.records.progress(event, this.job.progress);
  }

  private commandPlan(workdir: string, port: number, copy: CopyName): CommandPlan {
    const { request } = this.plan;
    return planCommands({
      spec: this.spec,
      storagePath: this.slot.storagePath,
      workdir,
      scriptDir: join(this.slot.storagePath, 'tmp', 'scripts'),
      port,
      color: copy,
      deploymentId: this.deployment.id,
      gitBranch: request.source.kind === 'git' ? request.source.branch : request.batch?.starterBranch,
      starterBranch: request.batch?.starterBranch,
    });
  }

  private claimPort(): Promise<PortClaim> {
    const publicPort = this.spec.traffic.publicPort;
    return claimFreePort({ range: this.slot.colorPortRange(), exclude: publicPort === undefined ? [] : [publicPort] });
  }
}

/**
 * Why the deployment ended: what cancelled it (`cancelled by slot.stop (cmd_…)`, with the step it
 * was at), the deadline, the storage disk full under its log, or the error of the step itself (a
 * failed write named as the full disk it is, never INTERNAL).
 */
function failureCause(error: unknown, signal: AbortSignal, timeout: AbortSignal, deadlineMs: number, diskFull: AbortSignal, storagePath: string): unknown {
  if (signal.aborted && signal.reason instanceof BerthError) {
    const step = error instanceof Error && error.message !== signal.reason.message ? ` (${error.message})` : '';
    return new BerthError('CANCELLED', `${signal.reason.message}${step}`);
  }
  if (diskFull.aborted) return diskFull.reason;
  if (timeout.aborted) return timeoutError(deadlineMs);
  return asStorageError(error, storagePath);
}

/** The source that brings back exactly this deployment's version. */
export function reproducibleSource(deployment: Deployment): Source {
  if (deployment.contentHash) return { kind: 'snapshot', contentHash: deployment.contentHash };
  return deployment.source;
}
