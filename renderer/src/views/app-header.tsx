import { routeHref } from '../model/route';
import { useAgentStore } from '../stores/agent-store';
import { useUiStore } from '../stores/ui-store';
import { ConnectionStatus } from './connection-status';

export function AppHeader() {
  const host = useAgentStore((store) => store.state?.host ?? null);
  const connection = useAgentStore((store) => store.state?.connection ?? null);
  const live = useAgentStore((store) => store.live);
  const view = useUiStore((store) => store.route.view);
  const onSettings = view === 'settings';
  return (
    <header className="app-header">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          ⚓
        </span>
        <span className="brand-name">Berth</span>
        {host ? (
          <span className="host-name" title={`${host.hostname} · ${host.os}/${host.arch} · agent ${host.version}`}>
            {host.name}
          </span>
        ) : null}
      </div>
      {connection ? <ConnectionStatus connection={connection} live={live} /> : null}
      <nav aria-label="Main" className="main-nav">
        <a href={routeHref({ view: 'slots' })} aria-current={!onSettings ? 'page' : undefined}>
          Slots
        </a>
        <a href={routeHref({ view: 'settings' })} aria-current={onSettings ? 'page' : undefined}>
          Settings
        </a>
      </nav>
    </header>
  );
}
