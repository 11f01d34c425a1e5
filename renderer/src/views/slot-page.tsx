import { routeHref } from '../model/route';
import { useNow } from '../hooks/use-now';
import { lastFailure, previousProduction, rollbackIsInstant, slotUrl } from '../model/slot-facts';
import { agentActions } from '../stores/agent-actions';
import { useAgentStore, useSlot } from '../stores/agent-store';
import { uiActions, useUiStore } from '../stores/ui-store';
import { ColorPanels } from './color-panels';
import { ConfirmButton } from './confirm-button';
import { DeploymentHistory } from './deployment-history';
import { SlotNotFound } from './empty-state';
import { ExternalLink } from './external-link';
import { SlotActions } from './slot-actions';
import { SlotStatusBadge } from './status-badge';
import { TrafficCharts } from './traffic-charts';
import { GuardBanner } from './traffic-watch';

export function SlotPage({ slotId }: { slotId: string }) {
  const slot = useSlot(slotId);
  const live = useAgentStore((store) => store.live);
  const busy = useUiStore((store) => store.busy[slotId] !== undefined);
  const now = useNow();
  if (!slot) {
    return <SlotNotFound />;
  }
  const { spec, status } = slot;
  const url = slotUrl(slot);
  const failure = lastFailure(slot);
  // The agent's default rollback target; a warm one still runs (ready), a cold one has stopped.
  const target = previousProduction(slot);
  const hasEarlierProduction = target !== null && (target.status === 'stopped' || target.status === 'ready');
  const local = slot.origin === 'local';
  const instant = rollbackIsInstant(slot, now);

  return (
    <section className="page" aria-labelledby="slot-title">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <a href={routeHref({ view: 'slots' })}>Slots</a> <span aria-hidden="true">/</span> <span>{spec.workspace}</span>
      </nav>
      <div className="page-title">
        <h1 id="slot-title">{spec.name}</h1>
        <SlotStatusBadge status={status.status} />
        {local ? <span className="tag">local</span> : <span className="tag">from the control plane</span>}
        {url ? (
          <ExternalLink href={url} className="slot-url">
            {url}
          </ExternalLink>
        ) : null}
      </div>
      <div className="toolbar">
        <SlotActions slot={slot} />
        <div className="button-row">
          <a className="button" href={routeHref({ view: 'logs', slotId, deploymentId: null })}>
            Logs
          </a>
          <button
            type="button"
            disabled={!live || busy || !hasEarlierProduction}
            title={
              !hasEarlierProduction
                ? 'There is no earlier deployment to roll back to'
                : instant
                  ? 'Bring back the production deployment before this one: it still runs warm, so this is only a swap'
                  : 'Bring back the production deployment before this one'
            }
            onClick={() => void uiActions.run(slotId, 'Rolling back', () => agentActions.rollback(slotId), `Could not roll back ${spec.name}`)}
          >
            {instant ? 'Rollback (instant)' : 'Roll back'}
          </button>
          {local ? (
            <>
              <a className="button" href={routeHref({ view: 'edit-slot', slotId })}>
                Edit
              </a>
              <ConfirmButton
                label="Remove"
                confirmLabel="Remove slot and its deployments?"
                disabled={!live || busy}
                onConfirm={() =>
                  void uiActions
                    .run(slotId, 'Removing', () => agentActions.removeLocalSlot(slotId), `Could not remove ${spec.name}`)
                    .then((done) => done && uiActions.navigate({ view: 'slots' }))
                }
              />
            </>
          ) : null}
        </div>
      </div>
      {status.error ? (
        <div className={`banner ${status.status === 'error' ? 'banner-danger' : 'banner-warning'}`} role="alert">
          <p className="pre-line">
            {status.status === 'error' ? '' : 'The last deployment failed; the live version keeps serving. '}
            {status.error}
          </p>
          {failure ? <FailureLogButton slotId={slotId} name={spec.name} /> : null}
        </div>
      ) : failure ? (
        <p className="last-failure">
          Last failure: <span className="mono">{failure.id}</span> {failure.error ? `— ${failure.error.split('\n')[0]}` : ''}{' '}
          <FailureLogButton slotId={slotId} name={spec.name} link />
        </p>
      ) : null}
      <GuardBanner slot={slot} now={now} />
      <ColorPanels slot={slot} />
      <TrafficCharts slot={slot} />
      <DeploymentHistory slot={slot} />
    </section>
  );
}

function FailureLogButton({ slotId, name, link }: { slotId: string; name: string; link?: boolean }) {
  return (
    <button
      type="button"
      className={link ? 'link-button' : undefined}
      onClick={() => uiActions.openLogDialog({ slotId, deploymentId: null, title: `Last failure of ${name}` })}
    >
      Open the failure log
    </button>
  );
}
