import { useState, type FormEvent } from 'react';
import type { Source } from '../../../agent-core/protocol';
import type { SlotView } from '../../../agent-core/protocol/local-api';
import { useAgentStore, useSlot } from '../stores/agent-store';
import { deployActions, useDeployStore, type DeployRun, type DeployStep } from '../stores/deploy-store';
import { uiActions, useUiStore } from '../stores/ui-store';
import { Dialog } from './dialog';
import { Field } from './field';

/** Deploys a slot and shows each step as the agent takes it: source, each command, health check, swap. */
export function DeployDialog() {
  const slotId = useUiStore((store) => store.deployDialogSlotId);
  const slot = useSlot(slotId ?? '');
  if (!slotId || !slot) return null;
  return <DeployDialogContent key={slotId} slot={slot} />;
}

function DeployDialogContent({ slot }: { slot: SlotView }) {
  const run = useDeployStore((store) => (store.run?.slotId === slot.id ? store.run : null));
  const [started, setStarted] = useState(false);
  const close = (): void => {
    if (run?.outcome !== 'running') deployActions.clear();
    uiActions.closeDeployDialog();
  };
  const showSteps = started && run !== null;
  return (
    <Dialog
      title={`Deploy ${slot.spec.name}`}
      onClose={close}
      actions={
        showSteps ? (
          <>
            {run.outcome === 'failed' && run.deploymentId ? (
              <button
                type="button"
                onClick={() => uiActions.openLogDialog({ slotId: slot.id, deploymentId: run.deploymentId, title: `Failure log of ${run.deploymentId}` })}
              >
                Open the failure log
              </button>
            ) : null}
            <button type="button" className="primary" onClick={close}>
              {run.outcome === 'running' ? 'Close (it goes on)' : 'Close'}
            </button>
          </>
        ) : null
      }
    >
      {showSteps ? <DeploySteps run={run} /> : <DeployForm slot={slot} onStart={() => setStarted(true)} onCancel={close} />}
    </Dialog>
  );
}

function DeployForm({ slot, onStart, onCancel }: { slot: SlotView; onStart(): void; onCancel(): void }) {
  const live = useAgentStore((store) => store.live);
  const own = slot.source;
  const [path, setPath] = useState(own?.kind === 'directory' ? own.path : '');
  const [branch, setBranch] = useState(own?.kind === 'git' ? own.branch : '');
  const [promote, setPromote] = useState(true);
  const [note, setNote] = useState('');
  const blueGreen = slot.spec.traffic.mode === 'blue-green';
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    let source: Source | undefined;
    if (own?.kind === 'directory' && path.trim() !== own.path) source = { kind: 'directory', path: path.trim() };
    if (own?.kind === 'git' && branch.trim() !== own.branch) source = { kind: 'git', branch: branch.trim() };
    onStart();
    void deployActions.deploy(slot.id, { source, promote: blueGreen ? promote : true, note: note.trim() === '' ? null : note.trim() });
  };
  return (
    <form onSubmit={submit} className="form">
      {own?.kind === 'directory' ? (
        <Field label="Directory" hint="A snapshot of this folder is deployed; it must be under one of the source roots.">
          {(props) => <input {...props} value={path} onChange={(event) => setPath(event.target.value)} required />}
        </Field>
      ) : own?.kind === 'git' ? (
        <Field label="Branch">{(props) => <input {...props} value={branch} onChange={(event) => setBranch(event.target.value)} required />}</Field>
      ) : (
        <p className="muted">The slot deploys what its last deployment took (the control plane sends the source of new versions).</p>
      )}
      {blueGreen ? (
        <label className="checkbox">
          <input type="checkbox" checked={promote} onChange={(event) => setPromote(event.target.checked)} />
          Go live once healthy (unticked: run it as a preview on its own port, to promote later)
        </label>
      ) : null}
      <Field label="Note (optional)" hint="Shown in the deployment history.">
        {(props) => <input {...props} value={note} maxLength={500} onChange={(event) => setNote(event.target.value)} />}
      </Field>
      <div className="button-row">
        <button type="submit" className="primary" disabled={!live}>
          Deploy
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const STEP_LABELS: Record<string, string> = {
  stop: 'Stop',
  source: 'Source',
  initial: 'Initial commands',
  startup: 'Startup commands',
  command: 'Command',
  health: 'Health check',
  ready: 'Swap',
};

function stepLabel(step: DeployStep): string {
  return STEP_LABELS[step.step] ?? step.step.charAt(0).toUpperCase() + step.step.slice(1);
}

/**
 * A command is done when it ended with 0 (a service once a later step came), failed with any other
 * end; another step is done once a later one came, and the last one follows the run.
 */
function stepState(run: DeployRun, step: DeployStep, last: boolean): 'done' | 'failed' | 'running' {
  const command = step.command;
  if (command?.state === 'ended') return command.exitCode === 0 ? 'done' : 'failed';
  if (run.outcome === 'ready') return 'done';
  if (command && !command.service) return run.outcome === 'failed' ? 'failed' : 'running';
  if (!last) return 'done';
  return run.outcome === 'failed' ? 'failed' : 'running';
}

export function DeploySteps({ run }: { run: DeployRun }) {
  return (
    <div className="deploy-steps">
      <ol aria-label="Deployment steps">
        {run.steps.map((step, index) => {
          const state = stepState(run, step, index === run.steps.length - 1);
          return (
            <li key={step.key} className={`step step-${state}`} data-step={step.step}>
              <span className="step-icon" aria-hidden="true">
                {state === 'done' ? '✓' : state === 'failed' ? '✗' : '…'}
              </span>
              <span className="step-label">{stepLabel(step)}</span>
              <span className="step-message">{step.message}</span>
              <span className="visually-hidden">{state === 'running' ? '(in progress)' : state === 'failed' ? '(failed)' : '(done)'}</span>
            </li>
          );
        })}
        {run.steps.length === 0 && run.outcome === 'running' ? <li className="step step-running">Waiting for the agent…</li> : null}
      </ol>
      <p className={`deploy-outcome outcome-${run.outcome}`} role={run.outcome === 'failed' ? 'alert' : 'status'}>
        {run.outcome === 'running'
          ? 'Deploying…'
          : run.outcome === 'ready'
            ? `Deployment ${run.deployment?.id ?? ''} is ${run.deployment?.isProduction ? 'live' : 'ready as a preview'}.`
            : `The deployment failed: ${run.error}`}
      </p>
    </div>
  );
}
