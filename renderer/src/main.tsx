import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createAgentLink } from './api';
import { App } from './app';
import { bindAgentStore } from './stores/agent-store';
import { bindUiStore } from './stores/ui-store';
import './styles/app.css';

const container = document.getElementById('root');
if (!container) throw new Error('renderer/index.html has no #root element');

const link = createAgentLink();
bindAgentStore(link);
bindUiStore();
link.start();

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
