import type { Deployment } from '../../../agent-core/protocol';
import type { SlotView } from '../../../agent-core/protocol/local-api';
import { useNow } from '../hooks/use-now';
import { formatAgo, formatDateTime, formatDuration } from '../model/format';
import { routeHref } from '../model/route';
import { deploymentDurationMs, historyActions, rollbackIsInstant, versionLabel } from '../model/slot-facts';
import { agentActions } from '../stores/agent-actions';
import { useAgentStore } from '../stores/agent-store';
import { uiActions, useUiStore } from '../stores/ui-store';
import { ActionsTableHead } from './actions-table-head';
import { ConfirmButton } from './confirm-button';
import { EmptyState } from './empty-state';
import { ColorBadge, DeploymentStatusBadge } from './status-badge';

const HISTORY_COLUMNS = ['Status', 'Color', 'Source', 'Subject', 'Trigger', 'Created', 'Duration', 'Error'];

/** Every deployment of the slot, newest first, with what can be done with each. */
export function DeploymentHistory({ slot }: { slot: SlotView }) {
  const now = useNow();
  if (slot.deployments.length === 0) {
    return (
      <section className="section" aria-labelledby="history-title">
        <h2 id="history-title">Deployment history</h2>
        <EmptyState title="No deployments yet">
          <p>Deploy the slot to run its commands and bring it up; each deployment is listed here with its log.</p>
        </EmptyState>
      </section>
    );
  }
  return (
    <section className="section" aria-labelledby="history-title">
      <h2 id="history-title">Deployment history</h2>
      <div className="table-scroll">
        <table className="history-table">
          <ActionsTableHead columns={HISTORY_COLUMNS} />
          <tbody>
            {slot.deployments.map((deployment) => (
              <HistoryRow key={deployment.id} slot={slot} deployment={deployment} now={now} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function HistoryRow({ slot, deployment, now }: { slot: SlotView; deployment: Deployment; now: number }) {
  const live = useAgentStore((store) => store.live);
  const busy = useUiStore((store) => store.busy[slot.id] !== undefined);
  const actions = historyActions(slot, deployment);
  const production = deployment.id === slot.status.productionDeploymentId;
  const duration = deploymentDurationMs(deployment);
  const disabled = !live || busy;
  const run = (label: string, work: () => Promise<unknown>, failure: string) => () => void uiActions.run(slot.id, label, work, failure);
  return (
    <tr data-deployment={deployment.id} className={production ? 'is-production' : undefined}>
      <td>
        <DeploymentStatusBadge status={deployment.status} />
        {production ? <span className="tag tag-strong">production</span> : null}
      </td>
      <td>
        <ColorBadge color={deployment.color} />
      </td>
      <td className="mono">{versionLabel(deployment)}</td>
      <td className="history-subject">
        {deployment.commitSubject ?? deployment.note ?? <span className="muted">—</span>}
        <SpecChanges deployment={deployment} />
      </td>
      <td>{deployment.trigger ?? <span className="muted">—</span>}</td>
      <td>
        <time dateTime={deployment.createdAt} title={formatDateTime(deployment.createdAt)}>
          {formatAgo(deployment.createdAt, now)}
        </time>
      </td>
      <td>{duration === null ? <span className="muted">—</span> : formatDuration(duration)}</td>
      <td className="history-error">
        {deployment.error ? <span title={deployment.error}>{deployment.error.split('\n')[0]}</span> : <span className="muted">—</span>}
      </td>
      <td>
        <div className="button-row compact">
          {actions.promote ? (
            <button
              type="button"
              disabled={disabled}
              onClick={run('Promoting', () => agentActions.promote(slot.id, deployment.id), `Could not promote ${deployment.id}`)}
            >
              Promote
            </button>
          ) : null}
          {actions.rollback ? (
            <button
              type="button"
              disabled={disabled}
              onClick={run('Rolling back', () => agentActions.rollback(slot.id, deployment.id), `Could not roll back to ${deployment.id}`)}
            >
              {rollbackIsInstant(slot, now, deployment.id) ? 'Roll back to this (instant)' : 'Roll back to this'}
            </button>
          ) : null}
          {deployment.status === 'failed' ? (
            <button
              type="button"
              onClick={() => uiActions.openLogDialog({ slotId: slot.id, deploymentId: deployment.id, title: `Failure log of ${deployment.id}` })}
            >
              Failure log
            </button>
          ) : (
            <a className="button" href={routeHref({ view: 'logs', slotId: slot.id, deploymentId: deployment.id })}>
              Log
            </a>
          )}
          {actions.remove ? (
            <ConfirmButton
              label="Delete"
              confirmLabel="Delete it?"
              disabled={disabled}
              onConfirm={run('Deleting', () => agentActions.deleteDeployment(slot.id, deployment.id), `Could not delete ${deployment.id}`)}
            />
          ) : null}
        </div>
      </td>
    </tr>
  );
}

/** What changed in the template and the non-secret variables since the deployment before this one. */
function SpecChanges({ deployment }: { deployment: Deployment }) {
  const changes = deployment.changes ?? [];
  if (changes.length === 0) return null;
  return (
    <details className="spec-changes">
      <summary>
        {changes.length} {changes.length === 1 ? 'change' : 'changes'} to the spec
      </summary>
      <ul>
        {changes.map((change) => (
          <li key={change.field}>
            <code>{change.field}</code>: {change.before ?? '(none)'} → {change.after ?? '(none)'}
          </li>
        ))}
      </ul>
    </details>
  );
}
