import { create } from 'zustand';
import type { Deployment, Source } from '../../../agent-core/protocol';
import { LocalApiError, type LogStream, type ProgressEvent } from '../../../agent-core/protocol/local-api';
import { agentActions } from './agent-actions';
import { useAgentStore } from './agent-store';

export interface DeployStep {
  key: number;
  /** The agent's step (source, initial, startup, health, ready…) or `command` for one command of a phase. */
  step: string;
  message: string;
}

export interface DeployRun {
  slotId: string;
  deploymentId: string | null;
  steps: DeployStep[];
  outcome: 'running' | 'ready' | 'failed';
  error: string | null;
  deployment: Deployment | null;
}

export interface DeployStore {
  run: DeployRun | null;
}

// The runner starts each command's output with this line (agent-core/runner/phase-runner.ts).
// eslint-disable-next-line no-control-regex
const COMMAND_LINE = /\x1b\[36m▶ ([^\x1b\r\n]+)\x1b\[0m/g;

/** The deployment the deploy dialog started, step by step as the agent reports it. */
export const useDeployStore = create<DeployStore>()(() => ({ run: null }));

let stepKey = 0;

function update(change: (run: DeployRun) => Partial<DeployRun>): void {
  useDeployStore.setState((store) => (store.run ? { run: { ...store.run, ...change(store.run) } } : store));
}

function addStep(step: string, message: string): void {
  stepKey += 1;
  const key = stepKey;
  update((run) => ({ steps: [...run.steps, { key, step, message }] }));
}

export const deployActions = {
  /** Deploys and records its steps: the agent's progress events, and each command as its output begins. */
  async deploy(slotId: string, options: { source?: Source; promote: boolean; note: string | null }): Promise<void> {
    const known = new Set(useAgentStore.getState().state?.slots.find((slot) => slot.id === slotId)?.deployments.map((item) => item.id) ?? []);
    useDeployStore.setState({ run: { slotId, deploymentId: null, steps: [], outcome: 'running', error: null, deployment: null } });
    const mine = (deploymentId: string | null): boolean => {
      const current = useDeployStore.getState().run;
      if (!current || current.slotId !== slotId || deploymentId === null) return false;
      if (current.deploymentId === null && !known.has(deploymentId)) update(() => ({ deploymentId }));
      return useDeployStore.getState().run?.deploymentId === deploymentId;
    };
    const offProgress = agentActions.onProgress((progress: ProgressEvent) => {
      if (progress.slotId === slotId && mine(progress.deploymentId)) addStep(progress.step, progress.message);
    });
    let stream: LogStream | null = null;
    try {
      stream = await agentActions.followLogs({ slot: slotId }, (event) => {
        if (event.chunk.kind !== 'data' || !mine(event.deploymentId)) return;
        for (const match of event.chunk.data.matchAll(COMMAND_LINE)) addStep('command', match[1]!.trim());
      });
    } catch {
      // The steps from progress events still show; only the per-command lines are missing.
    }
    try {
      const deployment = await agentActions.deploySlot(slotId, options);
      update(() => ({ outcome: 'ready', deployment, deploymentId: deployment.id }));
    } catch (error) {
      const deployment = error instanceof LocalApiError ? (error.deployment ?? null) : null;
      update((run) => ({ outcome: 'failed', error: (error as Error).message, deployment, deploymentId: deployment?.id ?? run.deploymentId }));
    } finally {
      offProgress();
      await stream?.close().catch(() => undefined);
    }
  },
  clear(): void {
    useDeployStore.setState({ run: null });
  },
};
