import { useNow } from '../hooks/use-now';
import { formatDuration } from '../model/format';
import { retryAgentLink, useAgentStore } from '../stores/agent-store';

/** The window's own link to the agent: says when what it shows may be out of date, and why. */
export function LinkBanner() {
  const link = useAgentStore((store) => store.link);
  const hasState = useAgentStore((store) => store.state !== null);
  const live = useAgentStore((store) => store.live);
  const now = useNow();
  const retryIn = link.retryAt === null ? null : formatDuration(Math.max(0, link.retryAt - now));
  const stale = hasState ? ' What you see is the last state it sent; actions wait until it is back.' : '';

  if (link.status === 'connected') {
    if (live || !hasState) return null;
    return (
      <div className="banner banner-info" role="status">
        Catching up with the agent…
      </div>
    );
  }
  if (link.status === 'connecting') {
    return (
      <div className="banner banner-info" role="status">
        Connecting to the agent…{stale}
      </div>
    );
  }
  const retry = (
    <button type="button" onClick={retryAgentLink}>
      Retry now
    </button>
  );
  if (link.status === 'login-needed') {
    return (
      <div className="banner banner-warning" role="alert">
        <p>
          This window is not logged in to the agent{link.detail ? ` (${link.detail})` : ''}. On the agent's machine run <code>berth-agent open</code> and
          open the link it prints, in this tab or another one of this browser; this window reconnects by itself.{stale}
        </p>
        {retry}
      </div>
    );
  }
  return (
    <div className="banner banner-danger" role="alert">
      <p>
        The agent is not reachable{link.detail ? ` (${link.detail})` : ''}. Is <code>berth-agent run</code> (or the Berth app) still running? Trying again
        {retryIn ? ` in ${retryIn}` : ''}.{stale}
      </p>
      {retry}
    </div>
  );
}
