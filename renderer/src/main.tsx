import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createAgentLink, desktopBridge } from './api';
import { App } from './app';
import { bindAgentStore } from './stores/agent-store';
import { bindUiStore, uiActions } from './stores/ui-store';
import './styles/index.css';

const container = document.getElementById('root');
if (!container) throw new Error('renderer/index.html has no #root element');

const link = createAgentLink();
bindAgentStore(link);
bindUiStore();
link.start();
// A click on a notification or in the tray menu of the desktop app opens a page here.
desktopBridge()?.onNavigate((target) => {
  if (target.page === 'slot') {
    uiActions.navigate(target.tab === 'logs' ? { view: 'logs', slotId: target.slotId, deploymentId: null } : { view: 'slot', slotId: target.slotId });
  } else uiActions.navigate({ view: target.page });
});

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
