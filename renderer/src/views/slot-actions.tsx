import type { SlotView } from '../../../agent-core/protocol/local-api';
import { agentActions } from '../stores/agent-actions';
import { useAgentStore } from '../stores/agent-store';
import { uiActions, useUiStore } from '../stores/ui-store';

/** Start, stop, restart and deploy, each enabled only where it makes sense for the slot's status. */
export function SlotActions({ slot, compact }: { slot: SlotView; compact?: boolean }) {
  const live = useAgentStore((store) => store.live);
  const busy = useUiStore((store) => store.busy[slot.id]);
  const { status, productionDeploymentId } = slot.status;
  const name = slot.spec.name;
  const idle = live && busy === undefined;
  const settled = status !== 'deploying' && status !== 'stopping';
  const run = (label: string, work: () => Promise<unknown>, failure: string) => () => void uiActions.run(slot.id, label, work, failure);

  return (
    <div className={compact ? 'button-row compact' : 'button-row'} role="group" aria-label={`Actions for ${name}`}>
      <button
        type="button"
        disabled={!idle || !settled || status === 'running' || productionDeploymentId === null}
        title={productionDeploymentId === null ? 'Deploy the slot first' : undefined}
        onClick={run('Starting', () => agentActions.startSlot(slot.id), `Could not start ${name}`)}
        aria-label={`Start ${name}`}
      >
        Start
      </button>
      <button
        type="button"
        disabled={!idle || !settled || (status !== 'running' && status !== 'error')}
        onClick={run('Stopping', () => agentActions.stopSlot(slot.id), `Could not stop ${name}`)}
        aria-label={`Stop ${name}`}
      >
        Stop
      </button>
      <button
        type="button"
        disabled={!idle || !settled || (status !== 'running' && status !== 'error')}
        onClick={run('Restarting', () => agentActions.restartSlot(slot.id), `Could not restart ${name}`)}
        aria-label={`Restart ${name}`}
      >
        Restart
      </button>
      <button
        type="button"
        className="primary"
        disabled={!live || !settled}
        onClick={() => uiActions.openDeployDialog(slot.id)}
        aria-label={`Deploy ${name}`}
      >
        Deploy…
      </button>
      {busy ? (
        <span className="busy" role="status">
          {busy}…
        </span>
      ) : null}
    </div>
  );
}
