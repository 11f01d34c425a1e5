import { create } from 'zustand';
import type { CommandStep, Deployment, Source } from '../../../agent-core/protocol';
import { LocalApiError, type ProgressEvent } from '../../../agent-core/protocol/local-api';
import { agentActions } from './agent-actions';

export interface DeployStep {
  key: number;
  /** The agent's step (source, initial, startup, health, ready…) or `command` for one command of a phase. */
  step: string;
  message: string;
  /** For a command: the last the agent said of it (started, or ended with its exit code and duration). */
  command?: CommandStep;
}

export interface DeployRun {
  slotId: string;
  /** The id this window sent with its `slot.deploy`: only progress carrying it is this run's. */
  commandId: string;
  deploymentId: string | null;
  steps: DeployStep[];
  outcome: 'running' | 'ready' | 'failed';
  error: string | null;
  deployment: Deployment | null;
}

export interface DeployStore {
  run: DeployRun | null;
}

/** The deployment the deploy dialog started, step by step as the agent reports it. */
export const useDeployStore = create<DeployStore>()(() => ({ run: null }));

let stepKey = 0;

/** Changes the run this call started, and nothing once another one has taken its place. */
function update(commandId: string, change: (run: DeployRun) => Partial<DeployRun>): void {
  useDeployStore.setState((store) => (store.run?.commandId === commandId ? { run: { ...store.run, ...change(store.run) } } : store));
}

/** A new step, or for a command that ends, the step its start added, now with how it ended. */
export function withStep(steps: readonly DeployStep[], progress: ProgressEvent, key: number): DeployStep[] {
  const { command } = progress;
  const started = command?.state === 'ended' ? steps.findIndex((step) => step.command?.phase === command.phase && step.command.index === command.index) : -1;
  if (started === -1) return [...steps, { key, step: progress.step, message: progress.message, ...(command ? { command } : {}) }];
  return steps.map((step, index) => (index === started ? { ...step, message: progress.message, command } : step));
}

export const deployActions = {
  /** Deploys under an id of its own and records the steps whose progress carries that id. */
  async deploy(slotId: string, options: { source?: Source; promote: boolean; note: string | null }): Promise<void> {
    const commandId = `local-${crypto.randomUUID()}`;
    useDeployStore.setState({ run: { slotId, commandId, deploymentId: null, steps: [], outcome: 'running', error: null, deployment: null } });
    const offProgress = agentActions.onProgress((progress: ProgressEvent) => {
      if (progress.commandId !== commandId) return;
      stepKey += 1;
      const key = stepKey;
      update(commandId, (run) => ({ deploymentId: progress.deploymentId ?? run.deploymentId, steps: withStep(run.steps, progress, key) }));
    });
    try {
      const deployment = await agentActions.deploySlot(slotId, { ...options, commandId });
      update(commandId, () => ({ outcome: 'ready', deployment, deploymentId: deployment.id }));
    } catch (error) {
      const deployment = error instanceof LocalApiError ? (error.deployment ?? null) : null;
      update(commandId, (run) => ({ outcome: 'failed', error: (error as Error).message, deployment, deploymentId: deployment?.id ?? run.deploymentId }));
    } finally {
      offProgress();
    }
  },
  clear(): void {
    useDeployStore.setState({ run: null });
  },
};
