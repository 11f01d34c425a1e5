import type { CommandPlan } from '../deployments/command-plan';
import type { DeploymentOutput } from '../logs';
import { commandLabel, type CommandStep, type SlotSpec } from '../protocol';
import { commandStepMessage, endProcessesMarked, redactText, runPhase, type PtyProcess } from '../runner';
import { specSecrets } from '../secrets';
import type { Store } from '../store';
import { waitHealthy } from '../traffic';
import { Instance, type CopyName } from './instance';
import { RESTART_LIMIT, ServiceSupervisor } from './service-supervisor';

export const DEFAULT_GRACE_MS = 10_000;

export interface LaunchRequest {
  store: Store;
  spec: SlotSpec;
  deploymentId: string;
  copy: CopyName;
  workdir: string;
  port: number;
  plan: CommandPlan;
  output: DeploymentOutput;
  signal: AbortSignal;
  /** A step of the launch; a command's start or end carries it typed in `extra.command`. */
  progress(step: string, message: string, extra?: { command: CommandStep }): void;
  /** Called before the startup commands run: the port is let go so that the service can bind it. */
  beforeStartup(): Promise<void> | undefined;
  /** Called once the services are started, before the health check: the deployment is `starting`. */
  onStarting(): void;
  track(process: PtyProcess): void;
  /** A service stopped for good under the restart policy; the message is redacted. */
  onServiceGaveUp(message: string): void;
  onStopped(): void;
}

/**
 * Brings one version up in its working copy: the initial commands when the copy has never run
 * them, the startup commands, then the health check. Anything started is killed again on failure.
 */
export async function launchInstance(request: LaunchRequest): Promise<Instance> {
  // A failed or cancelled launch leaves nothing behind, not even a daemon that left its tree.
  return launch(request).catch(async (error: unknown) => {
    // The launch's own error says more than a failed sweep would.
    await endProcessesMarked(request.plan.processMark).catch(() => 0);
    throw error;
  });
}

async function launch(request: LaunchRequest): Promise<Instance> {
  const { store, spec, plan, output, signal, progress, copy, port } = request;
  const secrets = specSecrets(spec);
  const redact = (text: string): string => redactText(text, secrets);
  const onCommand = (command: CommandStep): void => progress('command', commandStepMessage(command), { command });
  if (!store.slots.getWorkingCopy(spec.id, copy)?.initializedAt) {
    if (plan.initial.length > 0) {
      progress('initial', `running ${plan.initial.length} initial command(s)`);
      await runPhase({ phase: 'initial', commands: plan.initial, execution: 'sequential', spawnOptions: plan.spawnOptions, output, signal, redact, onCommand });
    }
    store.slots.markInitialized(spec.id, copy);
  }
  await request.beforeStartup();
  progress('startup', `running ${plan.startup.length} startup command(s)`);
  const { services } = await runPhase({ phase: 'startup', commands: plan.startup, execution: plan.execution, spawnOptions: plan.spawnOptions, output, signal, redact, onCommand });
  const definitions = plan.startup.map((command, index) => {
    const label = commandLabel(command, 'startup', index);
    return { label, spawn: plan.spawnOptions(command, label) };
  });
  const supervisor = new ServiceSupervisor(
    definitions.filter((definition) => services.some((service) => service.label === definition.label)),
    (chunk) => output.write(chunk),
  );
  supervisor.on('spawned', request.track);
  supervisor.on('gave-up', ({ label, exitCode, lastLines }) =>
    request.onServiceGaveUp(redact(`service '${label}' exited with code ${exitCode} and was restarted ${RESTART_LIMIT} times in 5 minutes; it stays down. Last lines:\n${lastLines}`)),
  );
  supervisor.adopt(services);
  services.forEach(request.track);
  request.onStarting();
  try {
    const traffic = spec.traffic;
    if (services.length > 0 && (traffic.mode === 'blue-green' || traffic.publicPort !== undefined || traffic.healthCheck.path)) {
      progress('health', `waiting for http://127.0.0.1:${port}${traffic.healthCheck.path ?? ''} to answer`);
      const exited = Promise.race(services.map((service) => service.exited));
      await waitHealthy({ port, ...traffic.healthCheck, signal, serviceExited: exited, lastOutput: () => redact(supervisor.lastLines()) });
    }
  } catch (error) {
    await supervisor.stopAll(0);
    throw error;
  }
  return new Instance({
    spec,
    deploymentId: request.deploymentId,
    copy,
    port,
    workdir: request.workdir,
    output,
    supervisor,
    shutdown: plan.shutdown,
    spawnOptions: plan.spawnOptions,
    processMark: plan.processMark,
    redact,
    graceMs: spec.template.stopGraceMs ?? DEFAULT_GRACE_MS,
    onStopped: request.onStopped,
  });
}
