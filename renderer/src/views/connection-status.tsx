import type { ConnectionView } from '../../../agent-core/protocol/local-api';
import { useNow } from '../hooks/use-now';
import { formatClock, formatDuration } from '../model/format';
import { agentActions } from '../stores/agent-actions';
import { uiActions, useUiStore } from '../stores/ui-store';

const LABELS: Record<ConnectionView['status'], string> = {
  disabled: 'Local only',
  connecting: 'Connecting',
  online: 'Online',
  offline: 'Offline',
  'key-rejected': 'API key rejected',
  replaced: 'Replaced',
  'protocol-unsupported': 'Server not supported',
};

const TONES: Record<ConnectionView['status'], string> = {
  disabled: 'neutral',
  connecting: 'progress',
  online: 'ok',
  offline: 'warning',
  'key-rejected': 'danger',
  replaced: 'warning',
  'protocol-unsupported': 'danger',
};

/** The agent's link to the control plane, and the one action that fixes what is wrong with it. */
export function ConnectionStatus({ connection, live }: { connection: ConnectionView; live: boolean }) {
  const now = useNow();
  const busy = useUiStore((store) => store.busy['connection'] !== undefined);
  const retry = () => void uiActions.run('connection', 'Retrying', () => agentActions.retryConnection(), 'Could not retry the connection');
  const toSettings = () => uiActions.navigate({ view: 'settings' });
  const retryIn = connection.retryAt ? Math.max(0, Date.parse(connection.retryAt) - now) : null;
  const detail = describe(connection, now, retryIn);

  let action = null;
  if (connection.status === 'offline' || connection.status === 'replaced') {
    action = (
      <button type="button" className="link-button" onClick={retry} disabled={!live || busy}>
        Retry now
      </button>
    );
  } else if (connection.status === 'key-rejected') {
    action = (
      <button type="button" className="link-button" onClick={toSettings}>
        Set a new API key
      </button>
    );
  } else if (connection.status === 'disabled') {
    action = (
      <button type="button" className="link-button" onClick={toSettings}>
        Connect to a control plane
      </button>
    );
  } else if (connection.status === 'protocol-unsupported') {
    action = (
      <button type="button" className="link-button" onClick={toSettings}>
        Check the server URL
      </button>
    );
  }

  return (
    <div className="connection-status" role="status" aria-label="Control plane connection">
      <span className={`badge tone-${TONES[connection.status]}`}>{LABELS[connection.status]}</span>
      {detail ? (
        <span className="connection-detail" title={connection.message ?? undefined}>
          {detail}
        </span>
      ) : null}
      {action}
    </div>
  );
}

function describe(connection: ConnectionView, now: number, retryIn: number | null): string | null {
  const nextTry = connection.retryAt && retryIn !== null ? `next try at ${formatClock(connection.retryAt)} (in ${formatDuration(retryIn)})` : null;
  switch (connection.status) {
    case 'online':
      return connection.since ? `since ${formatClock(connection.since)} (${formatDuration(now - Date.parse(connection.since))})` : null;
    case 'connecting':
      return connection.serverUrl ? `to ${connection.serverUrl}` : null;
    case 'offline':
    case 'replaced':
    case 'key-rejected':
      return [connection.message, nextTry].filter(Boolean).join('; ');
    case 'disabled':
    case 'protocol-unsupported':
      return connection.message;
  }
}
