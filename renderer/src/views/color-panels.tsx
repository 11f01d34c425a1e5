import { formatCountdown, type Deployment } from '../../../agent-core/protocol';
import type { SlotView } from '../../../agent-core/protocol/local-api';
import { useNow } from '../hooks/use-now';
import { formatDuration } from '../model/format';
import { colorFacts, previewDeployments, productionDeployment, uptimeMs, versionLabel, type ColorFacts } from '../model/slot-facts';
import { agentActions } from '../stores/agent-actions';
import { useAgentStore } from '../stores/agent-store';
import { uiActions, useUiStore } from '../stores/ui-store';
import { ExternalLink } from './external-link';
import { DeploymentStatusBadge } from './status-badge';

/** Blue and green side by side (or the one instance of a single slot), then the previews waiting for promotion. */
export function ColorPanels({ slot }: { slot: SlotView }) {
  const now = useNow();
  const previews = previewDeployments(slot);
  const blueGreen = slot.spec.traffic.mode === 'blue-green';
  return (
    <section aria-labelledby="instances-title" className="section">
      <h2 id="instances-title">{blueGreen ? 'Colors' : 'Instance'}</h2>
      {blueGreen ? (
        <div className="color-panels">
          <ColorPanel facts={colorFacts(slot, 'blue', now)} now={now} slot={slot} />
          <ColorPanel facts={colorFacts(slot, 'green', now)} now={now} slot={slot} />
        </div>
      ) : (
        <SinglePanel slot={slot} now={now} />
      )}
      {previews.length > 0 ? <Previews slot={slot} previews={previews} /> : null}
    </section>
  );
}

function health(deployment: Deployment | null, role: ColorFacts['role'] | 'single', slot: SlotView): string {
  if (!deployment) return '—';
  if (deployment.status === 'ready') return role === 'live' && slot.status.status === 'error' ? 'failing' : 'healthy';
  if (deployment.status === 'starting') return 'checking…';
  if (deployment.status === 'failed') return 'failed';
  return 'not running';
}

function ColorPanel({ facts, now, slot }: { facts: ColorFacts; now: number; slot: SlotView }) {
  const { color, role, deployment, warmLeftMs } = facts;
  const running = deployment?.status === 'ready';
  const uptime = running ? uptimeMs(deployment, now) : null;
  const tone = role === 'live' ? 'tone-ok' : role === 'preview' || role === 'warm' ? 'tone-progress' : 'tone-neutral';
  return (
    <article className={`color-panel color-panel-${color} ${role === 'live' ? 'is-live' : ''}`} aria-label={`${color} color, ${role}`} data-color={color}>
      <header>
        <h3>
          <span className={`color-dot color-${color}`} aria-hidden="true" /> {color}
        </h3>
        <span className={`badge ${tone}`}>{role}</span>
      </header>
      {warmLeftMs !== null ? (
        <p className="warm-countdown" role="timer" aria-label={`${color} stays warm for`}>
          Warm, no traffic: a rollback to it is instant for <strong>{formatCountdown(warmLeftMs)}</strong>
        </p>
      ) : null}
      <InstanceFacts deployment={deployment} health={health(deployment, role, slot)} uptime={uptime} />
    </article>
  );
}

function SinglePanel({ slot, now }: { slot: SlotView; now: number }) {
  const deployment = productionDeployment(slot);
  const uptime = slot.status.status === 'running' ? uptimeMs(deployment, now) : null;
  return (
    <article className="color-panel is-live" aria-label="instance">
      <InstanceFacts deployment={deployment} health={health(deployment, 'single', slot)} uptime={uptime} />
    </article>
  );
}

function InstanceFacts({ deployment, health, uptime }: { deployment: Deployment | null; health: string; uptime: number | null }) {
  if (!deployment) return <p className="muted">Nothing deployed to it yet.</p>;
  return (
    <dl className="facts">
      <dt>Deployment</dt>
      <dd className="mono">{deployment.id}</dd>
      <dt>Version</dt>
      <dd className="mono">{versionLabel(deployment)}</dd>
      <dt>Status</dt>
      <dd>
        <DeploymentStatusBadge status={deployment.status} />
      </dd>
      <dt>Port</dt>
      <dd className="mono">{deployment.port ?? '—'}</dd>
      <dt>Health</dt>
      <dd>{health}</dd>
      <dt>Uptime</dt>
      <dd>{uptime === null ? '—' : formatDuration(uptime)}</dd>
    </dl>
  );
}

function Previews({ slot, previews }: { slot: SlotView; previews: Deployment[] }) {
  const live = useAgentStore((store) => store.live);
  const busy = useUiStore((store) => store.busy[slot.id]);
  return (
    <div className="previews">
      <h3>Previews</h3>
      <ul>
        {previews.map((deployment) => (
          <li key={deployment.id}>
            <span className="mono">{versionLabel(deployment)}</span>
            {deployment.port ? (
              <ExternalLink href={`http://127.0.0.1:${deployment.port}`}>port {deployment.port}</ExternalLink>
            ) : null}
            <button
              type="button"
              className="primary"
              disabled={!live || busy !== undefined}
              onClick={() =>
                void uiActions.run(slot.id, 'Promoting', () => agentActions.promote(slot.id, deployment.id), `Could not promote ${deployment.id}`)
              }
            >
              Promote
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
