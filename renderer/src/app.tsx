import type { Route } from './model/route';
import { useAgentStore } from './stores/agent-store';
import { useUiStore } from './stores/ui-store';
import { AppHeader } from './views/app-header';
import { DeployDialog } from './views/deploy-dialog';
import { FolderSlotPage } from './views/folder-slot-page';
import { LinkBanner } from './views/link-banner';
import { LogDialog } from './views/log-dialog';
import { LogsPage } from './views/logs-page';
import { Notices } from './views/notices';
import { SettingsPage } from './views/settings-page';
import { SetupPage } from './views/setup-page';
import { SlotEditorPage } from './views/slot-editor-page';
import { SlotPage } from './views/slot-page';
import { SlotsPage } from './views/slots-page';
import { StorageBanner } from './views/storage-banner';

export function App() {
  const route = useUiStore((store) => store.route);
  const setupDismissed = useUiStore((store) => store.setupDismissed);
  const hasState = useAgentStore((store) => store.state !== null);
  const live = useAgentStore((store) => store.live);
  const firstRun = useAgentStore((store) => store.state !== null && store.state.settings.serverUrl === null && store.state.settings.apiKey === 'none');
  // First run: the setup page stands in for the slots list until it is done or skipped; Settings stays reachable.
  const setup = route.view === 'setup' || (firstRun && !setupDismissed && route.view === 'slots');
  const view = setup ? <SetupPage /> : <RouteView route={route} />;
  return (
    <div className="app">
      <AppHeader />
      <LinkBanner />
      <StorageBanner />
      <Notices />
      <main id="main" tabIndex={-1} aria-busy={!live} className={live ? undefined : 'is-stale'}>
        {hasState ? view : null}
      </main>
      {hasState ? (
        <>
          <DeployDialog />
          <LogDialog />
        </>
      ) : null}
    </div>
  );
}

function RouteView({ route }: { route: Exclude<Route, { view: 'setup' }> }) {
  switch (route.view) {
    case 'slots':
      return <SlotsPage />;
    case 'slot':
      return <SlotPage slotId={route.slotId} />;
    case 'logs':
      return <LogsPage slotId={route.slotId} deploymentId={route.deploymentId} />;
    case 'edit-slot':
      return <SlotEditorPage slotId={route.slotId} />;
    case 'new-slot':
      return <SlotEditorPage slotId={null} />;
    case 'new-slot-from-folder':
      return <FolderSlotPage />;
    case 'settings':
      return <SettingsPage />;
  }
}
