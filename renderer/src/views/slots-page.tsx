import type { SlotView } from '../../../agent-core/protocol/local-api';
import { useNow } from '../hooks/use-now';
import { formatDuration } from '../model/format';
import { routeHref } from '../model/route';
import { productionDeployment, slotUrl, uptimeMs, versionLabel } from '../model/slot-facts';
import { useAgentStore } from '../stores/agent-store';
import { uiActions } from '../stores/ui-store';
import { ActionsTableHead } from './actions-table-head';
import { EmptyState } from './empty-state';
import { ExternalLink } from './external-link';
import { SlotActions } from './slot-actions';
import { ColorBadge, SlotStatusBadge } from './status-badge';
import { useTrafficFollow } from './traffic-charts';
import { TrafficSparkline } from './traffic-sparkline';
import { GuardTag, WarmTag } from './traffic-watch';

const SLOT_COLUMNS = ['Name', 'Workspace', 'Status', 'Live', 'Production version', 'URL', 'Uptime', 'Traffic'];

export function SlotsPage() {
  const slots = useAgentStore((store) => store.state?.slots ?? []);
  const serverUrl = useAgentStore((store) => store.state?.settings.serverUrl ?? null);
  const now = useNow();
  useTrafficFollow();
  const newSlot = (
    <div className="button-row">
      <button type="button" className="primary" onClick={() => uiActions.navigate({ view: 'new-slot-from-folder' })}>
        New slot from a folder
      </button>
      <button type="button" onClick={() => uiActions.navigate({ view: 'new-slot' })}>
        New local slot
      </button>
    </div>
  );
  return (
    <section className="page" aria-labelledby="slots-title">
      <div className="page-title">
        <h1 id="slots-title">Slots</h1>
        {newSlot}
      </div>
      {slots.length === 0 ? (
        <EmptyState title="No slots on this machine yet">
          <p>
            A slot is a long-lived deployment that QA, demo or staging traffic reaches. Create a local one from a folder on this machine
            {serverUrl ? ', or assign one to this host on the control plane: it appears here by itself.' : ', or connect to a control plane in Settings and assign slots to this host there.'}
          </p>
          {newSlot}
        </EmptyState>
      ) : (
        <div className="table-scroll">
          <table className="slots-table">
            <caption className="visually-hidden">Slots on this host</caption>
            <ActionsTableHead columns={SLOT_COLUMNS} />
            <tbody>
              {slots.map((slot) => (
                <SlotRow key={slot.id} slot={slot} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function SlotRow({ slot, now }: { slot: SlotView; now: number }) {
  const production = productionDeployment(slot);
  const url = slotUrl(slot);
  const uptime = slot.status.status === 'running' ? uptimeMs(production, now) : null;
  return (
    <tr data-slot={slot.spec.name}>
      <th scope="row">
        <a href={routeHref({ view: 'slot', slotId: slot.id })}>{slot.spec.name}</a>
        {slot.origin === 'local' ? <span className="tag">local</span> : null}
      </th>
      <td>{slot.spec.workspace}</td>
      <td className="slot-status">
        <SlotStatusBadge status={slot.status.status} />
        {slot.status.error ? (
          <span className="row-error" title={slot.status.error}>
            {firstLine(slot.status.error)}
          </span>
        ) : null}
      </td>
      <td>
        <ColorBadge color={slot.status.liveColor} />
        <WarmTag slot={slot} now={now} />
        <GuardTag slot={slot} now={now} />
      </td>
      <td className="mono">{production ? versionLabel(production) : <span className="muted">not deployed</span>}</td>
      <td>
        {url ? (
          <ExternalLink href={url}>
            {url.replace(/^https?:\/\//, '')}
          </ExternalLink>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>{uptime === null ? <span className="muted">—</span> : formatDuration(uptime)}</td>
      <td>
        <TrafficSparkline slot={slot} />
      </td>
      <td>
        <SlotActions slot={slot} compact />
      </td>
    </tr>
  );
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
